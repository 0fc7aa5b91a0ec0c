/** The pipeline routes (docs/api.md): list, create, read, rename, delete, duplicate, save the draft, validate. */
import { request } from "../shared/api/client";
import type { DraftSaved, GraphDoc, Pipeline, PipelineSummary, Validated } from "../shared/api/types";

const enc = encodeURIComponent;

export const pipelinesApi = {
  /** Pipelines matching `q`, in one workspace or (null) in all of the user's. */
  list: (q = "", workspace: number | null = null) => {
    const params = new URLSearchParams();
    if (q) params.set("q", q);
    if (workspace !== null) params.set("workspace", String(workspace));
    const qs = params.toString();
    return request<PipelineSummary[]>("GET", `/api/pipelines${qs ? `?${qs}` : ""}`);
  },
  create: (body: { name: string; description?: string; graph?: GraphDoc; workspace?: number }) =>
    request<Pipeline>("POST", "/api/pipelines", body),
  get: (id: string) => request<Pipeline>("GET", `/api/pipelines/${enc(id)}`),
  patch: (id: string, body: { name?: string; description?: string }) => request<Pipeline>("PATCH", `/api/pipelines/${enc(id)}`, body),
  remove: (id: string) => request<void>("DELETE", `/api/pipelines/${enc(id)}`),
  duplicate: (id: string) => request<Pipeline>("POST", `/api/pipelines/${enc(id)}/duplicate`),
  /** Compare-and-set on `base_revision`: a 409 `stale_revision` carries the newer draft. */
  saveDraft: (id: string, graph: GraphDoc, base_revision: number) =>
    request<DraftSaved>("PUT", `/api/pipelines/${enc(id)}/draft`, { graph, base_revision }),
  validate: (id: string, graph: GraphDoc) =>
    request<Validated>("POST", `/api/pipelines/${enc(id)}/validate`, { graph }),
};
