/** The pipeline's run inputs, read from its `input` nodes (config: name, type, required, default). */
import type { GraphDoc } from "../shared/api/types";

export interface RunInputSpec {
  nodeId: string;
  name: string;
  type: string;
  required: boolean;
  default: unknown;
  description: string;
}

export function runInputs(doc: GraphDoc): RunInputSpec[] {
  return doc.nodes
    .filter((n) => n.type === "input")
    .map((n) => {
      const c = n.config ?? {};
      const def = c.default ?? null;
      return {
        nodeId: n.id,
        name: String(c.name ?? n.label ?? n.id),
        type: String(c.type ?? "text"),
        required: c.required !== false && def === null,
        default: def,
        description: String(c.description ?? ""),
      };
    });
}

/** Parse a form value for a port type: text stays text, everything else is JSON. */
export function parseInput(type: string, raw: string): { ok: true; value: unknown } | { ok: false; error: string } {
  if (type === "text" || type === "any") {
    if (type === "any") {
      try {
        return { ok: true, value: JSON.parse(raw) };
      } catch {
        return { ok: true, value: raw };
      }
    }
    return { ok: true, value: raw };
  }
  try {
    return { ok: true, value: JSON.parse(raw) };
  } catch (e) {
    return { ok: false, error: `Expected JSON for ${type}: ${(e as Error).message}` };
  }
}
