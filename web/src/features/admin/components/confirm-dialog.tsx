/** "Are you sure?" for an action that cannot be undone (revoke a key, delete a webhook). */
import { useEffect, useState, type ReactNode } from 'react';
import { Alert, Button, Dialog, DialogActions, DialogContent, DialogTitle, Stack, Typography } from '@mui/material';
import { usePhone } from '@/hooks/use-phone';
import { errorMessage } from '@/lib/api-client';

export function ConfirmDialog({
  open,
  title,
  children,
  confirmLabel,
  busyLabel = 'Working…',
  testId = 'confirm-dialog',
  onClose,
  onConfirm,
}: {
  open: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  busyLabel?: string;
  testId?: string;
  onClose: () => void;
  /** Resolves once done (the caller closes the dialog); a rejection is shown in the dialog. */
  onConfirm: () => Promise<void>;
}) {
  const phone = usePhone();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    if (open) setError(null);
  }, [open]);

  async function confirm() {
    setBusy(true);
    setError(null);
    try {
      await onConfirm();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog open={open} onClose={() => !busy && onClose()} fullScreen={phone} fullWidth maxWidth="xs" aria-labelledby={`${testId}-title`} data-testid={testId}>
      <DialogTitle id={`${testId}-title`}>{title}</DialogTitle>
      <DialogContent>
        <Stack spacing={2}>
          {error !== null && (
            <Alert severity="error" role="alert">
              {errorMessage(error)}
            </Alert>
          )}
          <Typography component="div">{children}</Typography>
        </Stack>
      </DialogContent>
      <DialogActions sx={{ p: 2, gap: 1 }}>
        <Button onClick={onClose} disabled={busy} sx={{ minHeight: 44 }} data-testid={`${testId}-cancel`}>
          Cancel
        </Button>
        <Button variant="contained" color="error" onClick={() => void confirm()} disabled={busy} sx={{ minHeight: 44 }} data-testid={`${testId}-confirm`}>
          {busy ? busyLabel : confirmLabel}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
