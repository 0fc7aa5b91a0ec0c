/**
 * Pure logic of the chat playground: which inputs of a pipeline make it a chat (a text message,
 * and a `session` input when it keeps memory), which output is the answer, which node streams
 * it, and the conversation's turns.
 */
import { outputName, runInputs } from "../graph/runInputs";
import type { GraphDoc, NodeTypeSpec } from "../shared/api/types";

export interface ChatShape {
  /** The run input that carries the user's message. */
  message: string;
  /** The run input that carries the session id; null: the pipeline keeps no memory. */
  session: string | null;
  /** The run output shown as the answer; null: the first output of the finished run. */
  answer: string | null;
  /** The node whose tokens stream the answer (an LLM upstream of the answer output). */
  streamNode: string | null;
  /** The pipeline loads and saves conversation memory. */
  memory: boolean;
}

const MESSAGE_NAMES = ["message", "msg", "q", "question", "prompt", "user", "text", "input", "query"];
const ANSWER_NAMES = ["answer", "reply", "response", "text", "output"];

function byPreference<T>(items: T[], name: (t: T) => string, preferred: string[]): T | undefined {
  for (const p of preferred) {
    const hit = items.find((i) => name(i).toLowerCase() === p);
    if (hit) return hit;
  }
  return items[0];
}

/** The node ids upstream of `start` (nearest first), following edges backwards. */
export function upstream(doc: GraphDoc, start: string): string[] {
  const seen = new Set([start]);
  const order: string[] = [];
  let frontier = [start];
  while (frontier.length) {
    const next: string[] = [];
    for (const id of frontier) {
      for (const e of doc.edges) {
        if (e.target === id && !seen.has(e.source)) {
          seen.add(e.source);
          order.push(e.source);
          next.push(e.source);
        }
      }
    }
    frontier = next;
  }
  return order;
}

/**
 * The chat shape of a pipeline, or null when it cannot chat: it needs a text input for the
 * message (besides a `session` input) and an output. Other inputs must be optional. Which nodes
 * stream their text and which keep memory, the catalog says (a node type's `traits`).
 */
export function chatShape(doc: GraphDoc, byType: Readonly<Record<string, NodeTypeSpec>>): ChatShape | null {
  const has = (type: string | undefined, trait: string) => !!type && !!byType[type]?.traits?.includes(trait);
  const inputs = runInputs(doc);
  const session = inputs.find((i) => i.type === "text" && /(^|_)session(_id)?$/i.test(i.name));
  const candidates = inputs.filter((i) => i.type === "text" && i !== session);
  const message = byPreference(candidates, (i) => i.name, MESSAGE_NAMES);
  if (!message) return null;
  if (inputs.some((i) => i !== message && i !== session && i.required)) return null;
  const outputs = doc.nodes.filter((n) => n.type === "output");
  if (!outputs.length) return null;
  const answerNode = byPreference(outputs, outputName, ANSWER_NAMES)!;
  const up = upstream(doc, answerNode.id);
  const types = new Map(doc.nodes.map((n) => [n.id, n.type]));
  const streams = (type: string | undefined) => has(type, "streams_text");
  const streamNode = up.find((id) => streams(types.get(id))) ?? doc.nodes.find((n) => streams(n.type))?.id ?? null;
  return {
    message: message.name,
    session: session ? session.name : null,
    answer: outputName(answerNode),
    streamNode,
    memory: doc.nodes.some((n) => has(n.type, "memory")),
  };
}

/** The run inputs of one turn. */
export function turnInputs(shape: ChatShape, text: string, session: string): Record<string, string> {
  return shape.session ? { [shape.message]: text, [shape.session]: session } : { [shape.message]: text };
}

/** A fresh session id (printable, short, unique enough for a playground). */
export function newSessionId(random: () => number = Math.random, now: number = Date.now()): string {
  const tail = Math.floor(random() * 36 ** 6).toString(36).padStart(6, "0");
  return `playground-${now.toString(36)}-${tail}`;
}

/** The answer text of a finished run's outputs. */
export function answerOf(shape: ChatShape, outputs: Record<string, unknown> | null | undefined): string | null {
  if (!outputs) return null;
  const v = shape.answer && shape.answer in outputs ? outputs[shape.answer] : Object.values(outputs)[0];
  if (v === undefined || v === null) return null;
  return typeof v === "string" ? v : JSON.stringify(v, null, 2);
}

export type TurnStatus = "starting" | "running" | "done" | "failed";

export interface Turn {
  key: number;
  user: string;
  runId: string | null;
  status: TurnStatus;
  /** Streamed tokens while running; the run's answer output once done. */
  answer: string;
  error: string | null;
}

export type TurnAction =
  | { type: "ask"; key: number; user: string }
  | { type: "started"; key: number; runId: string }
  | { type: "tokens"; key: number; text: string }
  | { type: "done"; key: number; answer: string | null }
  | { type: "failed"; key: number; error: string }
  | { type: "clear" };

/** The conversation's turns. Streamed text never overwrites a turn that has finished. */
export function turnsReducer(turns: Turn[], a: TurnAction): Turn[] {
  if (a.type === "clear") return [];
  if (a.type === "ask") return [...turns, { key: a.key, user: a.user, runId: null, status: "starting", answer: "", error: null }];
  return turns.map((t) => {
    if (t.key !== a.key) return t;
    switch (a.type) {
      case "started":
        return { ...t, runId: a.runId, status: "running" };
      case "tokens":
        return t.status === "running" || t.status === "starting" ? { ...t, answer: a.text } : t;
      case "done":
        return { ...t, status: "done", answer: a.answer ?? t.answer };
      case "failed":
        return { ...t, status: "failed", error: a.error };
    }
  });
}

/** A turn is in flight: the next message waits for it. */
export function busy(turns: Turn[]): boolean {
  return turns.some((t) => t.status === "starting" || t.status === "running");
}
