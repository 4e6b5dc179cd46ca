import { useCallback, useEffect, useState } from "react";

/** Loads data for a page; `reload` fetches again after a change. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): { data: T | undefined; error: unknown; loading: boolean; reload: () => void } {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<unknown>();
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  // The caller names what the load depends on (the load function itself is a new closure every render).
  const run = useCallback(load, deps);
  useEffect(() => {
    let live = true;
    setLoading(true);
    run().then(
      (d) => { if (live) { setData(d); setError(undefined); setLoading(false); } },
      (e) => { if (live) { setError(e); setLoading(false); } },
    );
    return () => { live = false; };
  }, [run, tick]);
  return { data, error, loading, reload: () => setTick((t) => t + 1) };
}
