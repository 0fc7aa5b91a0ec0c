/** The editor: toolbar, palette, canvas, and a side panel (settings, run, inspector, history). */
import { ReactFlowProvider, useReactFlow } from "@xyflow/react";
import { useEffect, useMemo, useState } from "react";
import { pipelinesApi } from "../pipelines/api";
import type { Pipeline } from "../shared/api/types";
import { Canvas } from "./canvas/Canvas";
import { ConflictDialog } from "./save/ConflictDialog";
import { useDynamicPorts } from "../graph/dynamicPorts";
import { HelpOverlay } from "./HelpOverlay";
import { Palette } from "./Palette";
import { SettingsPanel } from "./settings/SettingsPanel";
import { useShortcuts } from "./shortcuts";
import { Toolbar } from "./Toolbar";
import { HistoryPanel } from "../history/HistoryPanel";
import { ExperimentPanel } from "../experiments/ExperimentPanel";
import { normalize } from "../graph/graphOps";
import { Inspector } from "../run/Inspector";
import { RunPanel, startRunFromEditor } from "../run/RunPanel";
import { useCatalog } from "../graph/catalog";
import { useCredentials } from "./settings/credentialPicker";
import { useGraph } from "../graph/graphStore";
import { useInterface } from "../graph/runInputs";
import { usePorts } from "../graph/nodePorts";
import { useRun } from "../run/runStore";
import { useSave } from "./save/saveStore";
import { useSelection } from "../graph/selection";

export type Tab = "settings" | "run" | "inspect" | "history" | "experiment";

export default function EditorPage({ pipelineId }: { pipelineId: string }) {
  const [pipeline, setPipeline] = useState<Pipeline | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    void useCatalog.getState().load();
    pipelinesApi.get(pipelineId).then(
      (p) => {
        usePorts.getState().reset();
        useGraph.getState().load(p.id, p.name, normalize(p.graph), p.role === "viewer");
        useSave.getState().load(p.revision);
        useInterface.getState().set(useGraph.getState().doc, p.interface ?? null);
        setPipeline(p);
        void useCredentials.getState().load(String(p.workspace));
        // A reload mid-run resumes the live view of the run named in the URL hash.
        const m = /run=([^&]+)/.exec(location.hash);
        if (m) useRun.getState().watch(decodeURIComponent(m[1]));
        // Paint the current validation errors at once.
        pipelinesApi.validate(p.id, p.graph).then((r) => useSave.getState().setErrors(r.errors ?? []), () => undefined);
      },
      (e) => setError((e as Error).message),
    );
    return () => useRun.getState().stop();
  }, [pipelineId]);

  // Autosave: every edit (and undo/redo) marks the draft dirty and schedules a debounced save.
  useEffect(
    () =>
      useGraph.subscribe((s, prev) => {
        if (s.editCount !== prev.editCount && !s.readOnly) useSave.getState().noteEdit();
      }),
    [],
  );

  // Unsaved work: flush on hide, warn on unload.
  useEffect(() => {
    const onHide = () => void useSave.getState().saveNow();
    const onUnload = (e: BeforeUnloadEvent) => {
      const st = useSave.getState().state.status;
      if (st === "dirty" || st === "saving" || st === "conflict") e.preventDefault();
    };
    document.addEventListener("visibilitychange", onHide);
    window.addEventListener("beforeunload", onUnload);
    return () => {
      document.removeEventListener("visibilitychange", onHide);
      window.removeEventListener("beforeunload", onUnload);
    };
  }, []);

  if (error) return <main className="page-error" role="alert">Could not open the pipeline: {error}</main>;
  if (!pipeline) return <div className="loading" role="status">Loading pipeline…</div>;
  return (
    <ReactFlowProvider>
      <EditorLayout pipeline={pipeline} />
    </ReactFlowProvider>
  );
}

function EditorLayout({ pipeline }: { pipeline: Pipeline }) {
  const [tab, setTab] = useState<Tab>("settings");
  const [help, setHelp] = useState(false);
  const runId = useRun((s) => s.runId);
  const flow = useReactFlow();
  useDynamicPorts();
  // A handle for browser tests and the canvas benchmark (bench/canvas_bench.py).
  useEffect(() => {
    (window as unknown as { __fomoFlow?: unknown }).__fomoFlow = flow;
  }, [flow]);

  // Keep the watched run in the URL, so reloading the page continues its live view.
  useEffect(() => {
    const want = runId ? `#run=${encodeURIComponent(runId)}` : "";
    if (location.hash !== want) history.replaceState(null, "", `${location.pathname}${location.search}${want}`);
  }, [runId]);
  useEffect(() => {
    if (runId) setTab((t) => (t === "settings" ? "run" : t));
  }, [runId]);

  const shortcutOpts = useMemo(
    () => ({
      onHelp: () => setHelp(true),
      onRun: () => {
        setTab("run");
        void startRunFromEditor();
      },
      onEscape: () => {
        setHelp(false);
        useSelection.getState().clear();
      },
    }),
    [],
  );
  useShortcuts(shortcutOpts);

  // Clicking a node while a run is shown opens its inspector.
  useEffect(
    () =>
      useSelection.subscribe((s, prev) => {
        if (s.nodes.length === 1 && s.nodes[0] !== prev.nodes[0] && useRun.getState().runId) {
          setTab((t) => (t === "run" ? "inspect" : t));
        }
      }),
    [],
  );

  const tabs: [Tab, string][] = [
    ["settings", "Settings"],
    ["run", "Run"],
    ["inspect", "Inspect"],
    ["history", "History"],
    ["experiment", "Experiment"],
  ];

  return (
    <div className="editor">
      <Toolbar pipeline={pipeline} onHelp={() => setHelp(true)} onRun={() => setTab("run")} onExperiment={() => setTab("experiment")} onFit={() => void flow.fitView({ duration: 200, maxZoom: 1, padding: 0.15 })} />
      <div className="editor-body">
        <Palette />
        <Canvas onNodeOpen={() => setTab(runId ? "inspect" : "settings")} />
        <aside className="side" aria-label="Side panel">
          <div className="tabs" role="tablist">
            {tabs.map(([id, label]) => (
              <button key={id} role="tab" id={`tab-${id}`} aria-selected={tab === id} aria-controls={`panel-${id}`} className={`tab${tab === id ? " is-active" : ""}`} onClick={() => setTab(id)}>
                {label}
              </button>
            ))}
          </div>
          <div className="tab-panel" role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
            {tab === "settings" && <SettingsPanel />}
            {tab === "run" && <RunPanel pipelineId={pipeline.id} />}
            {tab === "inspect" && <Inspector />}
            {tab === "history" && <HistoryPanel pipelineId={pipeline.id} />}
            {tab === "experiment" && <ExperimentPanel pipeline={pipeline} />}
          </div>
        </aside>
      </div>
      {help && <HelpOverlay onClose={() => setHelp(false)} />}
      <ConflictDialog />
    </div>
  );
}
