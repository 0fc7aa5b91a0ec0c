/** The template gallery's routes (docs/api.md: GET /api/templates, POST /api/templates/<slug>). */
import { request } from "../../shared/api/client";
import type { Pipeline } from "../../shared/api/types";

export interface TemplatePipeline {
  name: string;
  description: string;
}

export interface TemplateInfo {
  slug: string;
  title: string;
  description: string;
  pipelines: TemplatePipeline[];
}

export interface TemplateCreated {
  template: string;
  pipelines: Pipeline[];
}

const enc = encodeURIComponent;

export const templatesApi = {
  list: () => request<TemplateInfo[]>("GET", "/api/templates"),
  use: (slug: string, workspace?: number | string) =>
    request<TemplateCreated>("POST", `/api/templates/${enc(slug)}`, workspace === undefined ? {} : { workspace: Number(workspace) }),
};
