/**
 * App-wide snackbars: `useSnackbar().notify(message, severity, options)`, one at a time (a
 * new one closes the one on screen). A message may carry one action (e.g. "Undo"):
 * pressing it runs the action and closes the message.
 */
import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from 'react';
import { Alert, Button, IconButton, Snackbar } from '@mui/material';
import { CloseIcon } from '@/components/icons';
import { usePhone } from '@/hooks/use-phone';

export type Severity = 'success' | 'info' | 'warning' | 'error';

export interface NotifyOptions {
  /** One button on the message, e.g. `{ label: 'Undo', onClick: restore }`. */
  action?: { label: string; onClick: () => void };
  /** How long it stays, in ms (default 4 s; 8 s for a message with an action). */
  duration?: number;
}

interface Message extends NotifyOptions {
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
        <Snackbar
          key={current.key}
          open={open}
          autoHideDuration={current.duration ?? (current.action ? 8000 : 4000)}
          onClose={(_, reason) => reason !== 'clickaway' && setOpen(false)}
          slotProps={{
            transition: {
              onExited: () => {
                setQueue((q) => q.slice(1));
                setOpen(true);
              },
            },
          }}
          // On a phone, at the bottom (the thumb's reach, for "Undo"), above the shop's "View
          // cart" bar and a drawer's main button; elsewhere at the top.
          anchorOrigin={{ vertical: phone ? 'bottom' : 'top', horizontal: 'center' }}
          sx={phone ? { bottom: 'calc(80px + env(safe-area-inset-bottom)) !important' } : undefined}
        >
          <Alert
            severity={current.severity}
            variant="filled"
            onClose={() => setOpen(false)}
            data-testid="snackbar"
            sx={{ width: '100%', alignItems: 'center' }}
            action={
              current.action ? (
                <>
                  <Button
                    color="inherit"
                    size="small"
                    sx={{ fontWeight: 800, minHeight: 44, minWidth: 64 }}
                    onClick={() => {
                      current.action?.onClick();
                      setOpen(false);
                    }}
                    data-testid="snackbar-action"
                  >
                    {current.action.label}
                  </Button>
                  <IconButton color="inherit" size="small" sx={{ width: 44, height: 44 }} onClick={() => setOpen(false)} aria-label="Dismiss">
                    <CloseIcon fontSize="small" />
                  </IconButton>
                </>
              ) : undefined
            }
          >
            {current.text}
          </Alert>
        </Snackbar>
      )}
    </SnackbarContext.Provider>
  );
}

export function useSnackbar(): SnackbarApi {
  return useContext(SnackbarContext);
}
