/** Wire types and one typed function per experiment route of docs/experiments-api.md (datasets: data/datasets/api.ts). */
import { request } from "../shared/api/client";
import type { RunStatus, VersionSummary } from "../shared/api/types";

const enc = encodeURIComponent;

export interface Override {
  node: string;
  field: string;
  value: unknown;
}

export type ScorerSpec =
  | { kind: "exact" }
  | { kind: "contains" }
  | { kind: "regex"; pattern: string }
  | { kind: "json_field"; path: string }
  | { kind: "similarity"; provider: string; model: string }
  | { kind: "judge"; provider: string; model: string; credential?: string | number | null; rubric: string };

export type ScorerKind = ScorerSpec["kind"];

export interface ExperimentBody {
  name: string;
  dataset: number | string;
  version: number | null;
  concurrency: number;
  variants: { name: string; overrides: Override[] }[];
  scorers: ScorerSpec[];
  output?: string;
}

/** `cancelling`: cancel asked, some runs still stopping; not terminal (the server writes `cancelled` once every run stopped). */
export type ExperimentStatus = "running" | "cancelling" | "succeeded" | "failed" | "cancelled";

export interface Variant {
  id: number | string;
  name: string;
  overrides: Override[];
}

export interface Progress {
  total: number;
  done: number;
  failed: number;
  cancelled: number;
  running: number;
  queued: number;
}

export interface Aggregate {
  variant: number | string;
  mean_scores: Record<string, number | null>;
  p50_ms: number | null;
  p95_ms: number | null;
  total_cost: number | null;
  cost_per_row: number | null;
  prompt_tokens: number;
  completion_tokens: number;
  judge_prompt_tokens: number;
  judge_completion_tokens: number;
  judge_cost: number | null;
  runs_succeeded: number;
  runs_failed: number;
}

export interface Cell {
  /** The dataset row's id; null once the row was deleted (then `row_position` identifies it). */
  row: number | string | null;
  row_position?: number;
  expected?: string | null;
  variant: number | string;
  run: number | string | null;
  status: RunStatus;
  output: unknown;
  scores: Record<string, number | null>;
  duration_ms: number | null;
  tokens: number | null;
  cost: number | null;
  error: string | { kind?: string; message?: string } | null;
  /** Why a scorer gave no score (bad JSON, a judge that failed…), by scorer key. */
  score_errors?: Record<string, string> | null;
  judge_tokens?: number;
  judge_cost?: number | null;
  /** The polling cursor (`cells_after`). */
  updated_at?: string;
}

export interface ExperimentSummary {
  id: number | string;
  name: string;
  pipeline: number | string;
  dataset: number | string;
  dataset_name: string;
  version: number | null;
  status: ExperimentStatus;
  created_at: string;
  finished_at: string | null;
  created_by: string | null;
  progress?: Progress;
}

export interface ExperimentDetail extends ExperimentSummary {
  concurrency: number;
  output: string | null;
  variants: Variant[];
  scorers: ScorerSpec[];
  scorer_keys?: string[];
  progress: Progress;
  aggregates: Aggregate[];
  cells: Cell[];
}

export const experimentsApi = {
  list: (pipelineId: string | number) =>
    request<ExperimentSummary[]>("GET", `/api/pipelines/${enc(String(pipelineId))}/experiments`),
  start: (pipelineId: string | number, body: ExperimentBody) =>
    request<ExperimentDetail>("POST", `/api/pipelines/${enc(String(pipelineId))}/experiments`, body),
  get: (id: string | number, cellsAfter?: string) =>
    request<ExperimentDetail>("GET", `/api/experiments/${enc(String(id))}${cellsAfter ? `?cells_after=${enc(cellsAfter)}` : ""}`),
  cancel: (id: string | number) => request<ExperimentDetail>("POST", `/api/experiments/${enc(String(id))}/cancel`),
  promote: (id: string | number, variant: string | number, message?: string) =>
    request<VersionSummary>("POST", `/api/experiments/${enc(String(id))}/promote`, message ? { variant, message } : { variant }),
  resultsCsvUrl: (id: string | number) => `/api/experiments/${enc(String(id))}/results.csv`,
};
