/**
 * Keeps dynamic ports (template variables, router branches) in step with each node's config.
 *
 * A big pipeline opens on its catalog ports plus the ports its edges use (see
 * `provisionalPorts`); a node's own ports are fetched once it is selected or edited, instead of
 * hundreds of requests on open.
 */
import { useEffect, useRef } from "react";
import { graphApi } from "./api";
import { useCatalog } from "./catalog";
import { useGraph } from "./graphStore";
import { portsKey, usePorts } from "./nodePorts";
import { useSelection } from "./selection";

const DEBOUNCE_MS = 300;
const MAX_IN_FLIGHT = 4;
/** Up to this many dynamic nodes, every one is fetched on open. */
const EAGER_MAX = 30;

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
  const openedWith = useRef(new Map<string, string>());
  const selected = useSelection((s) => s.nodes);

  useEffect(() => {
    const dynamic = usePorts.getState().dynamic;
    const nodes = doc.nodes.filter((n) => byType[n.type]?.dynamic_ports);
    const lazy = nodes.length > EAGER_MAX;
    const sel = new Set(selected);
    for (const n of nodes) {
      const key = portsKey(n);
      if (!openedWith.current.has(n.id)) openedWith.current.set(n.id, key);
      if (dynamic[n.id]?.key === key || wanted.current.get(n.id) === key) continue;
      if (lazy && !dynamic[n.id] && !sel.has(n.id) && openedWith.current.get(n.id) === key) continue;
      wanted.current.set(n.id, key);
      const prev = timers.current.get(n.id);
      if (prev) clearTimeout(prev);
      const first = !dynamic[n.id];
      timers.current.set(
        n.id,
        setTimeout(async () => {
          try {
            if (wanted.current.get(n.id) !== key) return;
            const ports = await limited(() => graphApi.ports(n.type, n.version, n.config));
            if (wanted.current.get(n.id) === key) usePorts.getState().setDynamic(n.id, key, ports);
          } catch {
            // Invalid config (a template mid-edit): keep the last good ports.
            if (wanted.current.get(n.id) === key) wanted.current.delete(n.id);
          }
        }, first ? 0 : DEBOUNCE_MS),
      );
    }
  }, [doc.nodes, byType, selected]);

  useEffect(() => {
    const t = timers.current;
    return () => t.forEach((x) => clearTimeout(x));
  }, []);
}
