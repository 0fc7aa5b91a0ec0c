/** Live state of one experiment: poll its detail every ~700 ms with `cells_after` until it is terminal. */
import { useEffect, useState } from "react";
import { experimentsApi, type Cell, type ExperimentDetail } from "./api";
import { mergeCells, nextCursor, pollState } from "./results";

const POLL_MS = 700;

export interface LiveExperiment {
  detail: ExperimentDetail | null;
  cells: Map<string, Cell>;
  error: string | null;
  /** Replace the detail after an action (cancel) and resume polling if it is running again. */
  replace(d: ExperimentDetail): void;
}

export function useLiveExperiment(id: string): LiveExperiment {
  const [detail, setDetail] = useState<ExperimentDetail | null>(null);
  const [cells, setCells] = useState<Map<string, Cell>>(new Map());
  const [error, setError] = useState<string | null>(null);
  const [epoch, setEpoch] = useState(0);

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | null = null;
    let cursor: string | null = null;
    let failures = 0;
    const tick = async () => {
      try {
        const d = await experimentsApi.get(id, cursor ?? undefined);
        if (stopped) return;
        const incoming = d.cells ?? [];
        cursor = nextCursor(cursor, incoming);
        setCells((m) => mergeCells(m, incoming));
        setDetail(d);
        setError(null);
        failures = 0;
        // `cancelling` is not terminal: polling goes on until every stopping run has settled.
        if (pollState(d) === "done") {
          // One last full read, so a cell updated in the same instant as the cursor is not missed.
          if (cursor) {
            const full = await experimentsApi.get(id);
            if (!stopped) {
              setCells((m) => mergeCells(m, full.cells ?? []));
              setDetail(full);
            }
          }
          return;
        }
      } catch (e) {
        if (stopped) return;
        failures += 1;
        setError((e as Error).message);
        if ((e as { status?: number }).status === 404 || (e as { status?: number }).status === 403) return;
      }
      timer = setTimeout(() => void tick(), Math.min(POLL_MS * 2 ** Math.max(0, failures - 1), 10_000));
    };
    void tick();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    };
  }, [id, epoch]);

  return {
    detail,
    cells,
    error,
    replace(d) {
      setCells((m) => mergeCells(m, d.cells ?? []));
      setDetail(d);
      if (pollState(d) === "live") setEpoch((n) => n + 1);
    },
  };
}
