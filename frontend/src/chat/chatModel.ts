/**
 * Pure logic of the chat playground: the chat shape the server publishes for the saved draft
 * (the `chat` of its `interface`, builder/interface.py: the same answer the embed widget uses),
 * and the conversation's turns.
 */
import type { ChatContract } from "../shared/api/types";

export interface ChatShape {
  /** The run input that carries the user's message. */
  message: string;
  /** The run input that carries the session id; null: the pipeline keeps no memory. */
  session: string | null;
  /** The run output shown as the answer; null: the first output of the finished run. */
  answer: string | null;
  /** The node whose tokens stream the answer (the nearest `streams_text` node upstream of it). */
  streamNode: string | null;
  /** The pipeline loads and saves conversation memory. */
  memory: boolean;
}

/** The playground's shape of the server's chat contract, or null when the pipeline cannot chat. */
export function chatShape(contract: ChatContract | null | undefined): ChatShape | null {
  if (!contract || !contract.can_chat) return null;
  return { message: contract.message, session: contract.session, answer: contract.answer, streamNode: contract.stream_node, memory: contract.memory };
}

/** Why the pipeline cannot chat, in the server's words (null when it can, or before it answered). */
export function chatRefusal(contract: ChatContract | null | undefined): string | null {
  return contract && !contract.can_chat ? contract.reason : null;
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
