/** A pipeline's versions (docs/api.md): list, save the draft as one, read one, restore one as the draft. */
import { request } from "../shared/api/client";
import type { Pipeline, Version, VersionSummary } from "../shared/api/types";

const enc = encodeURIComponent;

export const versionsApi = {
  list: (pipeline: string) => request<VersionSummary[]>("GET", `/api/pipelines/${enc(pipeline)}/versions`),
  create: (pipeline: string, message: string, base_revision?: number) =>
    request<VersionSummary>("POST", `/api/pipelines/${enc(pipeline)}/versions`, { message, base_revision }),
  get: (pipeline: string, n: number) => request<Version>("GET", `/api/pipelines/${enc(pipeline)}/versions/${n}`),
  restore: (pipeline: string, n: number) => request<Pipeline>("POST", `/api/pipelines/${enc(pipeline)}/versions/${n}/restore`),
};
