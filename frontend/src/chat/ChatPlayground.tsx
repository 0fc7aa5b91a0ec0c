/**
 * The chat playground: a conversation pane over the canvas. Each message starts a run of the
 * saved draft with the session id; the answer streams from the run's live events (the same
 * store the canvas and run panel follow); each answer links to its run. "New session" starts a
 * fresh id; "Clear memory" forgets the session on the server.
 */
import { useEffect, useRef, useState } from "react";
import { ApiError } from "../shared/api/client";
import { runsApi } from "../run/api";
import type { Pipeline } from "../shared/api/types";
import { isTerminalRun } from "../run/runEvents";
import { useGraph } from "../graph/graphStore";
import { useRun } from "../run/runStore";
import { useSave } from "../editor/save/saveStore";
import { toast } from "../shared/ui/toast";
import { answerOf, busy, type ChatShape, turnInputs } from "./chatModel";
import { chatApi } from "./api";
import { useChat } from "./chatStore";
import "./chat.css";

export default function ChatPlayground({ pipeline, shape, onClose }: { pipeline: Pipeline; shape: ChatShape | null; onClose(): void }) {
  const { session, turns } = useChat();
  const readOnly = useGraph((s) => s.readOnly);
  const [text, setText] = useState("");
  const log = useRef<HTMLOListElement>(null);
  const inFlight = busy(turns);
  const current = turns.find((t) => t.status === "running");
  const runId = useRun((s) => s.runId);
  const live = useRun((s) => s.live);

  // Stream the watched run's tokens into its turn; when it ends, read the answer output (once).
  const finishing = useRef<string | null>(null);
  useEffect(() => {
    if (!current || !shape || !current.runId || current.runId !== runId) return;
    const node = shape.streamNode ? live.nodes[shape.streamNode] : undefined;
    if (node?.tokens && node.tokens !== current.answer) useChat.getState().dispatch({ type: "tokens", key: current.key, text: node.tokens });
    if (!isTerminalRun(live.status) || finishing.current === current.runId) return;
    finishing.current = current.runId;
    const key = current.key;
    runsApi.get(current.runId).then(
      (d) => {
        if (d.status === "succeeded") useChat.getState().dispatch({ type: "done", key, answer: answerOf(shape, d.outputs) });
        else {
          const err = d.error && typeof d.error === "object" ? d.error.message : d.error;
          useChat.getState().dispatch({ type: "failed", key, error: `Run ${d.status}${err ? `: ${err}` : ""}` });
        }
      },
      (e) => useChat.getState().dispatch({ type: "failed", key, error: (e as Error).message }),
    );
  }, [current, shape, runId, live]);

  useEffect(() => {
    log.current?.lastElementChild?.scrollIntoView({ block: "end" });
  }, [turns]);

  async function send() {
    const message = text.trim();
    if (!message || !shape || inFlight) return;
    setText("");
    const key = useChat.getState().ask(message);
    await useSave.getState().saveNow();
    if (useSave.getState().state.status === "conflict") {
      useChat.getState().dispatch({ type: "failed", key, error: "Resolve the save conflict first." });
      return;
    }
    try {
      const run = await runsApi.start(pipeline.id, turnInputs(shape, message, useChat.getState().session));
      useChat.getState().dispatch({ type: "started", key, runId: String(run.id) });
      useRun.getState().watch(String(run.id));
    } catch (e) {
      const msg = e instanceof ApiError && e.code === "invalid_graph" ? "The pipeline has problems; they are marked on the canvas." : (e as Error).message;
      useChat.getState().dispatch({ type: "failed", key, error: msg });
    }
  }

  async function clearMemory() {
    try {
      await chatApi.forgetSession(pipeline.workspace, session);
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 404)) {
        toast(`Could not clear the memory: ${(e as Error).message}`, "error");
        return;
      }
    }
    useChat.getState().dispatch({ type: "clear" });
    toast("The model forgot this conversation.", "success");
  }

  return (
    <section className="chat-pane" aria-label="Chat playground">
      <header className="chat-head">
        <h2>Chat</h2>
        <span className="muted small chat-session" title="Session id sent with each message">
          {shape?.session ? `session ${session}` : "no memory"}
        </span>
        <button className="icon-btn" aria-label="Close chat" onClick={onClose}>×</button>
      </header>
      {!shape ? (
        <p className="chat-note">This pipeline cannot chat: it needs a text input for the message and an output.</p>
      ) : (
        <>
          {!shape.session && (
            <p className="chat-note">No memory: each message stands alone. Add a text input named <code>session</code> with Load / Save conversation nodes to remember.</p>
          )}
          <ol className="chat-log" ref={log} aria-live="polite">
            {turns.length === 0 && <li className="muted small chat-empty">Say something. Each message runs the pipeline with <code>{shape.message}</code>{shape.session ? <> and <code>{shape.session}</code></> : null}.</li>}
            {turns.map((t) => (
              <li key={t.key} className="chat-turn">
                <div className="chat-msg chat-user">{t.user}</div>
                <div className={`chat-msg chat-bot chat-${t.status}`} data-testid="chat-answer" data-status={t.status}>
                  {t.status === "failed" ? <span className="error-text">{t.error}</span> : t.answer || <span className="muted">{t.status === "done" ? "(no answer)" : "…"}</span>}
                  {t.runId && (
                    <a className="chat-run small" href={`/runs/${t.runId}/`} target="_blank" rel="noreferrer" title="Open this turn's run trace">
                      run #{t.runId}
                    </a>
                  )}
                </div>
              </li>
            ))}
          </ol>
          <form className="chat-form" onSubmit={(e) => { e.preventDefault(); void send(); }}>
            <textarea className="input textarea" rows={2} aria-label="Message" value={text} disabled={readOnly}
              placeholder={readOnly ? "Viewers cannot run this pipeline" : "Message (Enter to send, Shift+Enter for a new line)"}
              onChange={(e) => setText(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === "Enter" && !e.shiftKey) {
                  e.preventDefault();
                  void send();
                }
              }} />
            <div className="chat-actions">
              <button type="button" className="btn btn-small" onClick={() => useChat.getState().newSession()} disabled={inFlight}>New session</button>
              {shape.session && (
                <button type="button" className="btn btn-small" onClick={() => void clearMemory()} disabled={inFlight || readOnly}>Clear memory</button>
              )}
              <button type="submit" className="btn btn-primary btn-small" disabled={readOnly || inFlight || !text.trim()}>{inFlight ? "Answering…" : "Send"}</button>
            </div>
          </form>
        </>
      )}
    </section>
  );
}
