/** Change one's password: this session carries on with a fresh token, every other one ends. */
import { useEffect, useState, type FormEvent } from 'react';
import { Alert, Button, Dialog, DialogActions, DialogContent, DialogTitle, Stack, TextField } from '@mui/material';
import { useSnackbar } from '@/components/snackbar-provider';
import { ApiError, errorMessage } from '@/lib/api-client';
import { useAuth } from '@/lib/auth';
import { usePhone } from '@/hooks/use-phone';

const MIN_LENGTH = 8;

export function ChangePasswordDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { changePassword } = useAuth();
  const { notify } = useSnackbar();
  const phone = usePhone();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (open) {
      setCurrent('');
      setNext('');
      setRepeat('');
      setError(null);
    }
  }, [open]);

  const mismatch = repeat !== '' && repeat !== next;
  const tooShort = next !== '' && next.length < MIN_LENGTH;

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (mismatch || tooShort) return;
    setBusy(true);
    setError(null);
    try {
      await changePassword({ currentPassword: current, newPassword: next });
      notify('Password changed. You stay signed in here; other devices were signed out.', 'success');
      onClose();
    } catch (err) {
      setError(
        err instanceof ApiError && err.code === 'invalid_credentials'
          ? 'Your current password is not right.'
          : errorMessage(err),
      );
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog open={open} onClose={onClose} fullWidth maxWidth="xs" fullScreen={phone} aria-labelledby="password-dialog-title">
      <form onSubmit={submit} noValidate aria-label="Change password" data-testid="password-form">
        <DialogTitle id="password-dialog-title">Change password</DialogTitle>
        <DialogContent>
          <Stack spacing={2} sx={{ pt: 1 }}>
            {error && (
              <Alert severity="error" role="alert" data-testid="password-error">
                {error}
              </Alert>
            )}
            <TextField label="Current password" type="password" autoComplete="current-password" value={current}
              onChange={(e) => setCurrent(e.target.value)} required
              slotProps={{ htmlInput: { 'aria-label': 'Current password', 'data-testid': 'password-current' } }} />
            <TextField label="New password" type="password" autoComplete="new-password" value={next}
              onChange={(e) => setNext(e.target.value)} required error={tooShort}
              helperText={tooShort ? `At least ${MIN_LENGTH} characters.` : 'Other devices will be signed out.'}
              slotProps={{ htmlInput: { 'aria-label': 'New password', 'data-testid': 'password-new' } }} />
            <TextField label="Repeat the new password" type="password" autoComplete="new-password" value={repeat}
              onChange={(e) => setRepeat(e.target.value)} required error={mismatch}
              helperText={mismatch ? 'The two new passwords differ.' : ' '}
              slotProps={{ htmlInput: { 'aria-label': 'Repeat the new password', 'data-testid': 'password-repeat' } }} />
          </Stack>
        </DialogContent>
        <DialogActions sx={{ px: 3, pb: phone ? 'calc(16px + env(safe-area-inset-bottom))' : 2, gap: 1 }}>
          <Button onClick={onClose} aria-label="Cancel" sx={{ minHeight: 44 }}>
            Cancel
          </Button>
          <Button type="submit" variant="contained" data-testid="password-save" aria-label="Save the new password" sx={{ minHeight: 44 }}
            disabled={busy || !current || !next || next !== repeat || tooShort}>
            {busy ? 'Saving…' : 'Change password'}
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
