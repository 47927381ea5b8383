import { useCallback, useState } from "react";

export interface Action {
  busy: boolean;
  /** The last run's failure, for the page to show where the action was started. */
  error: unknown;
  run(work: () => Promise<void>): Promise<void>;
  clearError(): void;
}

/** Something a page does on a click (create, import, delete): busy while it runs, its failure kept. */
export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const run = useCallback(async (work: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await work();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }, []);
  const clearError = useCallback(() => setError(undefined), []);
  return { busy, error, run, clearError };
}
