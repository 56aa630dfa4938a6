/** App-wide snackbars: `useSnackbar().notify(message, severity)`. */
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { Alert, Snackbar } from '@mui/material';

export type Severity = 'success' | 'info' | 'warning' | 'error';
interface Message {
  key: number;
  text: string;
  severity: Severity;
}
interface SnackbarApi {
  notify: (text: string, severity?: Severity) => void;
}

const SnackbarContext = createContext<SnackbarApi>({ notify: () => undefined });
let nextKey = 1;

export function SnackbarProvider({ children }: { children: ReactNode }) {
  const [queue, setQueue] = useState<Message[]>([]);
  const [open, setOpen] = useState(true);
  const current = queue[0];

  const notify = useCallback((text: string, severity: Severity = 'info') => {
    setQueue((q) => [...q.slice(-4), { key: nextKey++, text, severity }]);
    setOpen(true);
  }, []);
  const api = useMemo(() => ({ notify }), [notify]);

  return (
    <SnackbarContext.Provider value={api}>
      {children}
      {current && (
        <Snackbar
          key={current.key}
          open={open}
          autoHideDuration={4000}
          onClose={(_, reason) => reason !== 'clickaway' && setOpen(false)}
          slotProps={{
            transition: {
              onExited: () => {
                setQueue((q) => q.slice(1));
                setOpen(true);
              },
            },
          }}
          anchorOrigin={{ vertical: 'top', horizontal: 'center' }}
        >
          <Alert
            severity={current.severity}
            variant="filled"
            onClose={() => setOpen(false)}
            data-testid="snackbar"
            sx={{ width: '100%' }}
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
