/** The toolbar's "Chat" button: opens the playground pane for pipelines with a chat input. */
import { lazy, Suspense, useMemo, useState } from "react";
import type { Pipeline } from "../shared/api/types";
import { useCatalog } from "../graph/catalog";
import { useGraph } from "../graph/graphStore";
import { chatShape } from "./chatModel";

const ChatPlayground = lazy(() => import("./ChatPlayground"));

export function ChatButton({ pipeline }: { pipeline: Pipeline }) {
  const [open, setOpen] = useState(false);
  const doc = useGraph((s) => s.doc);
  const byType = useCatalog((s) => s.byType);
  const shape = useMemo(() => chatShape(doc, byType), [doc, byType]);
  return (
    <>
      <button className={`btn btn-small${open ? " is-pressed" : ""}`} aria-pressed={open} onClick={() => setOpen(!open)} disabled={!shape && !open}
        title={shape ? "Chat with this pipeline: each message is a run" : "Needs a text input for the message and an output (and a “session” input for memory)"}>
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
