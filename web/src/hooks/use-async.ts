import { startTransition, useCallback, useEffect, useRef, useState, type DependencyList, type Dispatch, type SetStateAction } from 'react';

export interface AsyncState<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  /** Fetch again (keeps the current data while loading). */
  reload: () => void;
  setData: Dispatch<SetStateAction<T | undefined>>;
}

/**
 * Load data with `load` whenever `deps` change; stale answers are ignored. `initial`: the
 * data for the first `deps`, when already known (then it is not loaded at first).
 */
export function useAsync<T>(load: (signal: AbortSignal) => Promise<T>, deps: DependencyList, initial?: () => T | undefined): AsyncState<T> {
  const [first] = useState(() => initial?.());
  const [data, setData] = useState<T | undefined>(first);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(first === undefined);
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const skipFirst = useRef(first !== undefined);

  useEffect(() => {
    if (skipFirst.current) {
      skipFirst.current = false;
      return;
    }
    const controller = new AbortController();
    setLoading(true);
    setError(null);
    loadRef
      .current(controller.signal)
      .then((value) => {
        // Rendering what arrived may be long (a table, a list): in slices, not one long task.
        if (!controller.signal.aborted) startTransition(() => setData(value));
      })
      .catch((err: unknown) => {
        if (!controller.signal.aborted) setError(err);
      })
      .finally(() => {
        if (!controller.signal.aborted) startTransition(() => setLoading(false));
      });
    return () => controller.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);

  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, loading, reload, setData };
}
