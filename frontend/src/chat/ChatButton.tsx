/** The toolbar's "Chat" button: opens the playground pane for pipelines that can chat, by the
 * server's chat contract of the saved draft (the one the embed widget uses). */
import { lazy, Suspense, useMemo, useState } from "react";
import type { Pipeline } from "../shared/api/types";
import { useInterface } from "../graph/runInputs";
import { chatRefusal, chatShape } from "./chatModel";

const ChatPlayground = lazy(() => import("./ChatPlayground"));

export function ChatButton({ pipeline }: { pipeline: Pipeline }) {
  const [open, setOpen] = useState(false);
  const contract = useInterface((s) => s.chat);
  const shape = useMemo(() => chatShape(contract), [contract]);
  const refusal = chatRefusal(contract);
  return (
    <>
      <button className={`btn btn-small${open ? " is-pressed" : ""}`} aria-pressed={open} onClick={() => setOpen(!open)} disabled={!shape && !open}
        title={shape ? "Chat with this pipeline: each message is a run" : refusal ?? "Needs a valid saved draft with a text input for the message and an output (and a “session” input for memory)"}>
        Chat
      </button>
      {open && (
        <Suspense fallback={null}>
          <ChatPlayground pipeline={pipeline} shape={shape} onClose={() => setOpen(false)} />
        </Suspense>
      )}
    </>
  );
}
