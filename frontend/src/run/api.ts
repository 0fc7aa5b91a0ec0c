/** The run routes (docs/api.md): start (or run from a node), list, read, page through events, cancel. */
import { request } from "../shared/api/client";
import type { NodeRun, RunDetail, RunEvent, RunSummary } from "../shared/api/types";

const enc = encodeURIComponent;

export const runsApi = {
  start: (pipeline: string, inputs: Record<string, unknown>, version?: number) =>
    request<RunSummary>("POST", `/api/pipelines/${enc(pipeline)}/runs`, version === undefined ? { inputs } : { inputs, version }),
  /** Re-run `fromNode` and everything downstream, reusing the other nodes' outputs of `fromRun`. */
  runFrom: (pipeline: string, inputs: Record<string, unknown>, fromRun: string, fromNode: string) =>
    request<RunSummary>("POST", `/api/pipelines/${enc(pipeline)}/runs`, { inputs, from_run: Number(fromRun) || fromRun, from_node: fromNode }),
  list: (pipeline: string, limit = 50) => request<RunSummary[]>("GET", `/api/pipelines/${enc(pipeline)}/runs?limit=${limit}`),
  get: (id: string) => request<RunDetail>("GET", `/api/runs/${enc(id)}`),
  events: (id: string, after: number, limit = 1000) =>
    request<{ events: RunEvent[]; last_seq: number; done: boolean }>("GET", `/api/runs/${enc(id)}/events?after=${after}&limit=${limit}`),
  cancel: (id: string) => request<RunSummary>("POST", `/api/runs/${enc(id)}/cancel`),
  /** A node record whole, from the address a run detail gave for a value it left out for its size. */
  nodeRecord: (url: string) => request<NodeRun>("GET", url),
};
