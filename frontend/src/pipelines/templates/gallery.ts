/** Pure helpers of the template gallery: what each template shows, and where "Use" lands. */
import type { TemplateCreated, TemplateInfo } from "./api";

/** What a template demonstrates, shown as tags on its card (unknown templates show none). */
const SHOWS: Record<string, string[]> = {
  "transcript-summary": ["map/reduce", "token splitting", "parallel model calls"],
  "document-qa": ["local embeddings", "vector search", "two pipelines"],
  "route-by-tier": ["routing", "two models"],
  "triage-tickets": ["model router", "merge"],
  chat: ["prompt template", "streaming"],
};

export function showsOf(t: TemplateInfo): string[] {
  return SHOWS[t.slug] ?? [];
}

/** The card's note on how many pipelines "Use template" creates. */
export function createsNote(t: TemplateInfo): string {
  if (t.pipelines.length <= 1) return "Creates one pipeline.";
  const names = t.pipelines.map((p) => `“${p.name}”`);
  const order = t.pipelines.length === 2 ? "run the first, then the second" : "run them in order";
  return `Creates ${t.pipelines.length} pipelines: ${names.join(" and ")} (${order}).`;
}

/**
 * Where to go after "Use template": straight into the editor when it made one pipeline; null
 * when it made several (the gallery then lists them, first to run first).
 */
export function openAfterUse(created: TemplateCreated): string | null {
  return created.pipelines.length === 1 ? `/pipelines/${created.pipelines[0].id}/` : null;
}
