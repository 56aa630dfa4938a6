/**
 * App-wide snackbars: `useSnackbar().notify(message, severity, options)`, one at a time (a
 * new one closes the one on screen). A message may carry one action (e.g. "Undo"):
 * pressing it runs the action and closes the message.
 */
import { createContext, lazy, Suspense, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from 'react';
import { usePhone } from '@/hooks/use-phone';

const SnackbarView = lazy(() => import('@/components/snackbar-view'));

export type Severity = 'success' | 'info' | 'warning' | 'error';

export interface NotifyOptions {
  /** One button on the message, e.g. `{ label: 'Undo', onClick: restore }`. */
  action?: { label: string; onClick: () => void };
  /** How long it stays, in ms (default 4 s; 8 s for a message with an action). */
  duration?: number;
}

export interface Message extends NotifyOptions {
  key: number;
  text: string;
  severity: Severity;
}
interface SnackbarApi {
  notify: (text: string, severity?: Severity, options?: NotifyOptions) => void;
}

const SnackbarContext = createContext<SnackbarApi>({ notify: () => undefined });
let nextKey = 1;

export function SnackbarProvider({ children }: { children: ReactNode }) {
  const [queue, setQueue] = useState<Message[]>([]);
  const [open, setOpen] = useState(true);
  const current = queue[0];
  const phone = usePhone();
  const shown = useRef(false);
  shown.current = queue.length > 0;

  // A new message closes the one on screen (the newest, e.g. its "Undo", is what matters).
  const notify = useCallback((text: string, severity: Severity = 'info', options: NotifyOptions = {}) => {
    setQueue((q) => [...q.slice(-4), { key: nextKey++, text, severity, ...options }]);
    setOpen(!shown.current);
  }, []);
  const api = useMemo(() => ({ notify }), [notify]);

  return (
    <SnackbarContext.Provider value={api}>
      {children}
      {current && (
        // The message's code (MUI's Snackbar and its transition) comes with the first one.
        <Suspense fallback={null}>
          <SnackbarView
            key={current.key}
            message={current}
            open={open}
            phone={phone}
            onClose={() => setOpen(false)}
            onExited={() => {
              setQueue((q) => q.slice(1));
              setOpen(true);
            }}
          />
        </Suspense>
      )}
    </SnackbarContext.Provider>
  );
}

export function useSnackbar(): SnackbarApi {
  return useContext(SnackbarContext);
}
