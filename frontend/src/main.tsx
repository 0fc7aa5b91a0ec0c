/** Entry: mounts the page named by the root element's data-page (rendered by templates/app.html). */
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import "@xyflow/react/dist/style.css";
import "./styles.css";
import { App } from "./App";

function mount() {
  const root = document.getElementById("root");
  if (!root) return;
  const { page = "list", pipelineId = "", runId = "", username = "" } = root.dataset;
  createRoot(root).render(
    <StrictMode>
      <App page={page} pipelineId={pipelineId} runId={runId} username={username} />
    </StrictMode>,
  );
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mount);
else mount();
