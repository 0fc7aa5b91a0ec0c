/** Palette search: which node types a query finds, by title, type id, category, description, the
 * providers and models their config offers, and a few task keywords ("rag", "pdf", "agent"). */
import type { Catalog, JsonSchema, NodeTypeSpec, ProviderSpec } from "../shared/api/types";

/** Task words a person types, and the description words that mean a node serves that task. */
const KEYWORDS: Record<string, RegExp> = {
  rag: /\b(retriev\w*|vectors?|embeddings?|chunks?|nearest|collection)\b/,
  retrieval: /\b(retriev\w*|vectors?|nearest)\b/,
  pdf: /\b(documents?|upload\w*)\b/,
  file: /\b(documents?|upload\w*)\b/,
  agent: /\b(chat model|tools?|http api|branch)\b/,
  llm: /\b(chat model|model's)\b/,
  ai: /\b(chat model|model's|embeddings?)\b/,
  api: /\bhttp\b/,
  search: /\b(nearest|retriev\w*)\b/,
};

/** Every `x-providers` / `x-models` kind ("chat", "embeddings") a config schema asks for, $defs included. */
function modelKinds(schema: JsonSchema | undefined, into = new Set<string>(), depth = 0): Set<string> {
  if (!schema || typeof schema !== "object" || depth > 8) return into;
  for (const hint of [schema["x-providers"], schema["x-models"]]) if (typeof hint === "string") into.add(hint);
  const kids: (JsonSchema | undefined)[] = [
    ...Object.values(schema.properties ?? {}),
    ...Object.values(schema.$defs ?? {}),
    ...(schema.anyOf ?? []),
    ...(schema.oneOf ?? []),
    ...(schema.allOf ?? []),
    schema.items,
  ];
  for (const k of kids) modelKinds(k, into, depth + 1);
  return into;
}

function providerWords(kinds: Set<string>, providers: ProviderSpec[]): string[] {
  const words: string[] = [];
  for (const p of providers) {
    if (kinds.has("chat") && p.chat) words.push(p.name, p.title, ...(p.chat_models ?? []));
    if (kinds.has("embeddings") && p.embeddings) words.push(p.name, p.title, ...(p.embedding_models ?? []));
  }
  return words;
}

/** The lower-case text a node type is searched by. */
export function searchText(t: NodeTypeSpec, providers: ProviderSpec[]): string {
  const base = `${t.title} ${t.type} ${t.category} ${t.description}`.toLowerCase();
  const tags = Object.entries(KEYWORDS)
    .filter(([, re]) => re.test(base))
    .map(([word]) => word);
  return [base, ...providerWords(modelKinds(t.config_schema), providers), ...tags].join(" ").toLowerCase();
}

/** The node types matching every word of `query` (all of them for a blank query), in catalog order. */
export function searchNodeTypes(catalog: Catalog, query: string): NodeTypeSpec[] {
  const terms = query.trim().toLowerCase().split(/\s+/).filter(Boolean);
  if (!terms.length) return catalog.node_types;
  return catalog.node_types.filter((t) => {
    const hay = searchText(t, catalog.providers ?? []);
    return terms.every((term) => hay.includes(term));
  });
}
