/**
 * The run being watched: its live state from the event stream (websocket, resumed after the
 * last seq on reconnect; REST polling as a fallback) and its recorded node runs.
 */
import { create } from "zustand";
import { runsApi } from "./api";
import type { RunDetail, RunEvent } from "../shared/api/types";
import { applyEvents, gapAfter, initRun, isTerminalRun, type RunLive } from "./runEvents";

interface RunStore {
  runId: string | null;
  live: RunLive;
  detail: RunDetail | null;
  connected: boolean;
  watch(runId: string): void;
  stop(): void;
  refreshDetail(): Promise<void>;
  ingest(events: RunEvent[]): void;
}

let socket: WebSocket | null = null;
let retryTimer: ReturnType<typeof setTimeout> | null = null;
let detailTimer: ReturnType<typeof setTimeout> | null = null;
let failures = 0;
let generation = 0;

function wsUrl(runId: string, after: number): string {
  const proto = location.protocol === "https:" ? "wss" : "ws";
  return `${proto}://${location.host}/ws/runs/${encodeURIComponent(runId)}/?after=${after}`;
}

export const useRun = create<RunStore>((set, get) => {
  function scheduleDetail(delay = 300) {
    if (detailTimer) clearTimeout(detailTimer);
    detailTimer = setTimeout(() => void get().refreshDetail(), delay);
  }

  async function fillGap(gen: number) {
    const { runId, live } = get();
    const after = gapAfter(live);
    if (!runId || after === null) return;
    try {
      const res = await runsApi.events(runId, after);
      if (gen === generation) get().ingest(res.events);
    } catch {
      /* the next message or reconnect retries */
    }
  }

  async function poll(gen: number) {
    // Fallback when the websocket keeps failing: page through the stored events.
    const runId = get().runId;
    if (!runId || gen !== generation) return;
    try {
      const res = await runsApi.events(runId, get().live.lastSeq);
      if (gen !== generation) return;
      get().ingest(res.events);
      if (res.done && isTerminalRun(get().live.status)) return;
    } catch {
      /* keep trying */
    }
    retryTimer = setTimeout(() => void poll(gen), 1000);
  }

  function connect(gen: number) {
    const runId = get().runId;
    if (!runId || gen !== generation) return;
    let ws: WebSocket;
    try {
      ws = new WebSocket(wsUrl(runId, get().live.lastSeq));
    } catch {
      failures++;
      retryTimer = setTimeout(() => connect(gen), 1000);
      return;
    }
    socket = ws;
    ws.onopen = () => {
      if (gen === generation) set({ connected: true });
    };
    ws.onmessage = (msg) => {
      if (gen !== generation) return;
      failures = 0;
      try {
        const data = JSON.parse(msg.data as string);
        if (data?.type === "events" && Array.isArray(data.events)) get().ingest(data.events);
      } catch {
        /* ignore malformed frames */
      }
      if (gapAfter(get().live) !== null) void fillGap(gen);
    };
    ws.onclose = (ev) => {
      if (socket === ws) socket = null;
      if (gen !== generation) return;
      set({ connected: false });
      if (ev.code === 4401 || ev.code === 4404) return;
      failures++;
      if (failures >= 4) {
        void poll(gen);
        return;
      }
      retryTimer = setTimeout(() => connect(gen), Math.min(500 * 2 ** failures, 5000));
    };
  }

  return {
    runId: null,
    live: initRun(),
    detail: null,
    connected: false,
    watch(runId) {
      get().stop();
      const gen = ++generation;
      failures = 0;
      set({ runId: String(runId), live: initRun(), detail: null });
      void get().refreshDetail();
      connect(gen);
    },
    stop() {
      generation++;
      if (retryTimer) clearTimeout(retryTimer);
      if (detailTimer) clearTimeout(detailTimer);
      const ws = socket;
      socket = null;
      ws?.close();
      set({ runId: null, live: initRun(), detail: null, connected: false });
    },
    async refreshDetail() {
      const runId = get().runId;
      if (!runId) return;
      try {
        const detail = await runsApi.get(runId);
        if (get().runId === runId) set({ detail });
      } catch {
        /* the live view still works without it */
      }
    },
    ingest(events) {
      const before = get().live;
      const live = applyEvents(before, events);
      if (live === before) return;
      set({ live });
      const fresh = events.filter((e) => e.seq > before.lastSeq);
      if (fresh.some((e) => e.type === "node.finished" || e.type === "node.failed" || e.type === "run.finished" || e.type === "node.skipped")) {
        scheduleDetail(fresh.some((e) => e.type === "run.finished") ? 50 : 400);
      }
    },
  };
});
