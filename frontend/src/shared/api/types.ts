/** Wire types of the REST and websocket API (docs/api.md). */

export interface PortSpec {
  name: string;
  type: string;
  required: boolean;
  many: boolean;
  description: string;
}

export interface NodeTypeSpec {
  type: string;
  version: number;
  title: string;
  category: string;
  description: string;
  config_schema: JsonSchema;
  inputs: PortSpec[];
  outputs: PortSpec[];
  partial_inputs: boolean;
  dynamic_ports: boolean;
  /** What the node promises beyond its ports: `streams_text` (its tokens spell out its `text`
   * output), `memory` (it reads or writes the session's conversation memory). */
  traits: string[];
}

export interface ProviderSpec {
  name: string;
  title: string;
  chat: boolean;
  embeddings: boolean;
  free_model?: string | null;
  /** Known model names, suggested in the settings form. */
  chat_models?: string[];
  embedding_models?: string[];
}

export interface Catalog {
  node_types: NodeTypeSpec[];
  port_types: string[];
  providers: ProviderSpec[];
}

/** The subset of JSON schema pydantic v2 emits. */
export interface JsonSchema {
  type?: string | string[];
  title?: string;
  description?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  format?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  /** Schema hints of node config fields (builder/nodes/support/widgets.py). */
  "x-widget"?: "provider" | "model" | "credential" | "template" | "textarea";
  "x-providers"?: "chat" | "embeddings";
  "x-models"?: "chat" | "embeddings";
  "x-credential-provider"?: string;
  [k: string]: unknown;
}

export interface MapSpec {
  port: string;
  concurrency: number;
}

export interface RetrySpec {
  attempts: number;
  backoff_s: number;
}

export interface GraphNode {
  id: string;
  type: string;
  version: number;
  label: string;
  config: Record<string, unknown>;
  position: { x: number; y: number };
  map: MapSpec | null;
  timeout_s?: number | null;
  retry?: RetrySpec | null;
  /** Later runs reuse this node's recorded outputs from that run until it is unpinned. */
  pinned?: { run: string | number } | null;
}

export interface GraphEdge {
  id: string;
  source: string;
  source_port: string;
  target: string;
  target_port: string;
}

export interface GraphDoc {
  schema: 1;
  nodes: GraphNode[];
  edges: GraphEdge[];
}

export interface GraphError {
  code: string;
  message: string;
  node: string | null;
  edge: string | null;
  field: string | null;
}

export interface CredentialInfo {
  id: string | number;
  provider: string;
  hint: string;
  /** Absent for viewers. */
  name?: string;
}

export interface RunRef {
  id: string;
  status: RunStatus;
  created_at: string;
}

export interface PipelineSummary {
  id: string;
  workspace: string;
  name: string;
  description: string;
  revision: number;
  updated_at: string;
  updated_by: string | null;
  created_at: string;
  latest_version: number | null;
  last_run: RunRef | null;
  node_count: number;
}

export interface Pipeline extends PipelineSummary {
  graph: GraphDoc;
  role: "owner" | "editor" | "viewer";
  /** What the draft takes and gives (builder/interface.py); null while the draft is not valid. */
  interface: PipelineInterface | null;
}

export interface DraftSaved {
  revision: number;
  updated_at: string;
  updated_by: string | null;
  errors: GraphError[];
  /** The saved draft's interface; null when it is not valid. */
  interface: PipelineInterface | null;
}

export interface Validated {
  valid: boolean;
  errors: GraphError[];
  interface: PipelineInterface | null;
}

/** One run input as the server publishes it: from an `input` node, in document order. */
export interface RunInputOut {
  name: string;
  type: string;
  /** A run must give it: `required` is not turned off and there is no default. */
  required: boolean;
  default: unknown;
  description: string;
  /** The id of the `input` node. */
  node: string;
}

/** Whether and how a pipeline chats (the playground and the embed widget read the same answer). */
export type ChatContract =
  | { can_chat: true; message: string; session: string | null; answer: string; stream_node: string | null; memory: boolean }
  | { can_chat: false; reason: string; details: Record<string, unknown> };

/** A pipeline's published interface: `interface` of the detail, the draft save and validate answers. */
export interface PipelineInterface {
  inputs: RunInputOut[];
  outputs: { name: string; node: string }[];
  chat: ChatContract;
}

export interface StaleDetails {
  current_revision: number;
  updated_by: string | null;
  updated_at: string;
  graph: GraphDoc;
}

export interface VersionSummary {
  number: number;
  author: string | null;
  message: string;
  created_at: string;
}

export interface Version extends VersionSummary {
  graph: GraphDoc;
}

export type RunStatus = "queued" | "running" | "succeeded" | "failed" | "cancelled";
export type NodeState = "pending" | "ready" | "running" | "succeeded" | "failed" | "skipped" | "abandoned" | "cancelled";

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export interface RunSummary {
  id: string;
  pipeline: string;
  pipeline_name: string;
  version: number | null;
  status: RunStatus;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  duration_ms: number | null;
  started_by: string | null;
  usage: Usage | null;
  cost: number | null;
  attempt: number;
  /** Node id -> the run whose recorded outputs this run reused for it (run from here, pins). */
  reused?: Record<string, string | number>;
}

export interface NodeErrorInfo {
  kind: string;
  message: string;
  retryable?: boolean;
  field?: string | null;
}

/** A recorded value too large for a run detail: its size, its first characters, where it is whole. */
export interface TruncatedValue {
  chars: number;
  head: string;
  url: string;
}

export interface NodeRun {
  node_id: string;
  item: number | null;
  status: NodeState;
  inputs: unknown;
  outputs: unknown;
  error: NodeErrorInfo | null;
  attempts: number;
  started_at: string | null;
  finished_at: string | null;
  duration_ms: number | null;
  usage: Usage | null;
  cost: number | null;
  /** The run this record's outputs were copied from, or null when the node ran here. */
  reused_from?: string | number | null;
  /** Values left out of a run detail for their size (null there); fetch them from `url`. */
  truncated?: Partial<Record<"inputs" | "outputs", TruncatedValue>>;
}

export interface RunDetail extends RunSummary {
  graph: GraphDoc;
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown> | null;
  error: NodeErrorInfo | string | null;
  nodes: NodeRun[];
  last_seq: number;
}

export type EventType =
  | "run.started"
  | "node.started"
  | "node.token"
  | "node.finished"
  | "node.failed"
  | "node.skipped"
  | "run.finished";

export interface RunEvent {
  seq: number;
  type: EventType;
  node_id: string | null;
  item: number | null;
  payload: Record<string, any>;
  ts: number | string;
}
