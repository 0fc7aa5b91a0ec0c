/** curl examples for one pipeline (the editor's "API" dialog): pure, so they can be tested. */
import type { RunInputSpec } from "../../graph/runInputs";

type InputSpec = Pick<RunInputSpec, "name" | "type" | "required" | "default">;

/** A value of the input's type to start from: its default, else a placeholder. */
export function exampleValue(spec: InputSpec): unknown {
  if (spec.default !== null && spec.default !== undefined) return spec.default;
  if (spec.type.startsWith("list[")) return [];
  switch (spec.type) {
    case "json":
    case "any":
      return {};
    case "messages":
      return [{ role: "user", content: "Hello" }];
    case "embedding":
      return [0.1, 0.2, 0.3];
    case "document":
      return { text: "…", metadata: {} };
    default:
      return `your ${spec.name.replace(/_/g, " ")}`;
  }
}

/** Single-quote for POSIX shells: a ' inside becomes '\''. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export interface CurlExample {
  id: "run-wait" | "run" | "stream" | "status";
  title: string;
  command: string;
}

const TOKEN_PLACEHOLDER = "$FOMO_TOKEN";

/** Run and wait, run without waiting, follow the events (SSE), read a run's status. */
export function curlExamples(opts: { origin: string; pipelineId: string | number; inputs: InputSpec[]; token?: string | null }): CurlExample[] {
  const base = opts.origin.replace(/\/+$/, "");
  // Without a token at hand, read it from the environment (double quotes so the shell expands it).
  const auth = opts.token ? `-H ${shellQuote(`Authorization: Bearer ${opts.token}`)}` : `-H "Authorization: Bearer ${TOKEN_PLACEHOLDER}"`;
  const inputs: Record<string, unknown> = {};
  for (const spec of opts.inputs) inputs[spec.name] = exampleValue(spec);
  const body = shellQuote(JSON.stringify({ inputs }));
  const runUrl = `${base}/api/pipelines/${opts.pipelineId}/run`;
  const json = `-H 'Content-Type: application/json'`;
  return [
    {
      id: "run-wait",
      title: "Run and wait up to 30 s for the outputs",
      command: `curl -sS -X POST ${shellQuote(`${runUrl}?wait=30`)} \\\n  ${auth} \\\n  ${json} \\\n  -d ${body}`,
    },
    {
      id: "run",
      title: "Start a run and return at once (202 with the run's URLs)",
      command: `curl -sS -X POST ${shellQuote(runUrl)} \\\n  ${auth} \\\n  ${json} \\\n  -d ${body}`,
    },
    {
      id: "stream",
      title: "Follow a run's events as they happen (server-sent events)",
      command: `curl -sS -N ${shellQuote(`${base}/api/runs/RUN_ID/stream`)} \\\n  ${auth} \\\n  -H 'Accept: text/event-stream'`,
    },
    {
      id: "status",
      title: "Read a run's status and outputs",
      command: `curl -sS ${shellQuote(`${base}/api/runs/RUN_ID`)} \\\n  ${auth}`,
    },
  ];
}

/** The origins typed into the embed dialog: one per line (commas and spaces also separate). */
export function splitOrigins(text: string): string[] {
  return text.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean);
}
