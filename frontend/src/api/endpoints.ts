/** One typed function per route of docs/api.md. */
import { request } from "../shared/api/client";
import type {
  Catalog,
  DraftSaved,
  GraphDoc,
  GraphError,
  NodeRun,
  Pipeline,
  PipelineSummary,
  PortSpec,
  RunDetail,
  RunEvent,
  RunSummary,
  Version,
  VersionSummary,
} from "../shared/api/types";

const enc = encodeURIComponent;

export const api = {
  nodeTypes: () => request<Catalog>("GET", "/api/node-types"),
  ports: (type: string, version: number, config: Record<string, unknown>) =>
    request<{ inputs: PortSpec[]; outputs: PortSpec[] }>("POST", "/api/node-types/ports", { type, version, config }),

  /** Pipelines matching `q`, in one workspace or (null) in all of the user's. */
  listPipelines: (q = "", workspace: number | null = null) => {
    const params = new URLSearchParams();
    if (q) params.set("q", q);
    if (workspace !== null) params.set("workspace", String(workspace));
    const qs = params.toString();
    return request<PipelineSummary[]>("GET", `/api/pipelines${qs ? `?${qs}` : ""}`);
  },
  createPipeline: (body: { name: string; description?: string; graph?: GraphDoc; workspace?: number }) =>
    request<Pipeline>("POST", "/api/pipelines", body),
  getPipeline: (id: string) => request<Pipeline>("GET", `/api/pipelines/${enc(id)}`),
  patchPipeline: (id: string, body: { name?: string; description?: string }) =>
    request<Pipeline>("PATCH", `/api/pipelines/${enc(id)}`, body),
  deletePipeline: (id: string) => request<void>("DELETE", `/api/pipelines/${enc(id)}`),
  duplicatePipeline: (id: string) => request<Pipeline>("POST", `/api/pipelines/${enc(id)}/duplicate`),
  saveDraft: (id: string, graph: GraphDoc, base_revision: number) =>
    request<DraftSaved>("PUT", `/api/pipelines/${enc(id)}/draft`, { graph, base_revision }),
  validate: (id: string, graph: GraphDoc) =>
    request<{ valid: boolean; errors: GraphError[] }>("POST", `/api/pipelines/${enc(id)}/validate`, { graph }),

  listVersions: (id: string) => request<VersionSummary[]>("GET", `/api/pipelines/${enc(id)}/versions`),
  createVersion: (id: string, message: string, base_revision?: number) =>
    request<VersionSummary>("POST", `/api/pipelines/${enc(id)}/versions`, { message, base_revision }),
  getVersion: (id: string, n: number) => request<Version>("GET", `/api/pipelines/${enc(id)}/versions/${n}`),
  restoreVersion: (id: string, n: number) =>
    request<Pipeline>("POST", `/api/pipelines/${enc(id)}/versions/${n}/restore`),

  startRun: (id: string, inputs: Record<string, unknown>, version?: number) =>
    request<RunSummary>("POST", `/api/pipelines/${enc(id)}/runs`, version === undefined ? { inputs } : { inputs, version }),
  /** Re-run `from_node` and everything downstream, reusing the other nodes' outputs of `from_run`. */
  runFrom: (id: string, inputs: Record<string, unknown>, fromRun: string, fromNode: string) =>
    request<RunSummary>("POST", `/api/pipelines/${enc(id)}/runs`, { inputs, from_run: Number(fromRun) || fromRun, from_node: fromNode }),
  listRuns: (id: string, limit = 50) => request<RunSummary[]>("GET", `/api/pipelines/${enc(id)}/runs?limit=${limit}`),
  getRun: (id: string) => request<RunDetail>("GET", `/api/runs/${enc(id)}`),
  runEvents: (id: string, after: number, limit = 1000) =>
    request<{ events: RunEvent[]; last_seq: number; done: boolean }>(
      "GET",
      `/api/runs/${enc(id)}/events?after=${after}&limit=${limit}`,
    ),
  cancelRun: (id: string) => request<RunSummary>("POST", `/api/runs/${enc(id)}/cancel`),
  /** A node record whole, from the address a run detail gave for a value it left out for its size. */
  nodeRecord: (url: string) => request<NodeRun>("GET", url),
};
