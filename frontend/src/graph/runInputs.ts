/**
 * What a pipeline takes and gives: its run inputs (its `input` nodes) and its output names (its
 * `output` nodes), read from the graph by the server's rules (builder/nodes/input/input.py and
 * output/output.py). The run form, the API examples, the experiment form and the chat playground
 * all read them here.
 */
import type { GraphDoc, GraphNode } from "../shared/api/types";

export interface RunInputSpec {
  nodeId: string;
  name: string;
  type: string;
  /** A run must give it: `required` is not turned off and there is no default. */
  required: boolean;
  default: unknown;
  description: string;
}

/** The input nodes in document order; one without a name is left out (the server refuses the graph). */
export function runInputs(doc: GraphDoc): RunInputSpec[] {
  const out: RunInputSpec[] = [];
  for (const n of doc.nodes) {
    if (n.type !== "input") continue;
    const c = n.config ?? {};
    if (typeof c.name !== "string" || !c.name) continue;
    const def = c.default ?? null;
    out.push({
      nodeId: n.id,
      name: c.name,
      type: typeof c.type === "string" ? c.type : "text",
      required: c.required !== false && def === null,
      default: def,
      description: typeof c.description === "string" ? c.description : "",
    });
  }
  return out;
}

/** An output node's key in the run's outputs ("result" when unset). */
export const outputName = (n: GraphNode): string => String(n.config?.name ?? "result");

/** The names of the run's outputs, from its `output` nodes in document order. */
export function outputNames(doc: GraphDoc): string[] {
  return doc.nodes.filter((n) => n.type === "output").map(outputName);
}
