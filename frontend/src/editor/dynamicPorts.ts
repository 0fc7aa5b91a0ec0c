/** Keeps dynamic ports (template variables, router branches) in step with each node's config. */
import { useEffect, useRef } from "react";
import { api } from "../api/endpoints";
import { useCatalog } from "../stores/catalog";
import { useGraph } from "../stores/graph";
import { usePorts } from "../stores/ports";

const DEBOUNCE_MS = 300;
const MAX_IN_FLIGHT = 4;

// A small limiter, so opening a pipeline with hundreds of templates does not flood the server.
let inFlight = 0;
const waiting: (() => void)[] = [];
async function limited<T>(fn: () => Promise<T>): Promise<T> {
  if (inFlight >= MAX_IN_FLIGHT) await new Promise<void>((r) => waiting.push(r));
  inFlight++;
  try {
    return await fn();
  } finally {
    inFlight--;
    waiting.shift()?.();
  }
}

export function useDynamicPorts() {
  const doc = useGraph((s) => s.doc);
  const byType = useCatalog((s) => s.byType);
  const timers = useRef(new Map<string, ReturnType<typeof setTimeout>>());
  const wanted = useRef(new Map<string, string>());

  useEffect(() => {
    const dynamic = usePorts.getState().dynamic;
    for (const n of doc.nodes) {
      const spec = byType[n.type];
      if (!spec?.dynamic_ports) continue;
      const key = JSON.stringify([n.type, n.version, n.config]);
      if (dynamic[n.id]?.key === key || wanted.current.get(n.id) === key) continue;
      wanted.current.set(n.id, key);
      const prev = timers.current.get(n.id);
      if (prev) clearTimeout(prev);
      const first = !dynamic[n.id];
      timers.current.set(
        n.id,
        setTimeout(async () => {
          try {
            if (wanted.current.get(n.id) !== key) return;
            const ports = await limited(() => api.ports(n.type, n.version, n.config));
            if (wanted.current.get(n.id) === key) usePorts.getState().setDynamic(n.id, key, ports);
          } catch {
            // Invalid config (a template mid-edit): keep the last good ports.
            if (wanted.current.get(n.id) === key) wanted.current.delete(n.id);
          }
        }, first ? 0 : DEBOUNCE_MS),
      );
    }
  }, [doc.nodes, byType]);

  useEffect(() => {
    const t = timers.current;
    return () => t.forEach((x) => clearTimeout(x));
  }, []);
}
