/** A value a page loads (and reloads after a change), with the last load's error. */
import { useCallback, useState, type DependencyList } from "react";

export function useLoaded<T>(load: (() => Promise<T>) | null, deps: DependencyList) {
  const [value, setValue] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  // `deps` names what `load` depends on (the caller's ids), as for useCallback
  const reload = useCallback(async () => {
    if (!load) return;
    try {
      setValue(await load());
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    }
  }, deps);
  return { value, error, reload };
}
