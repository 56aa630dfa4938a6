/**
 * `/set-password?token=…`: a one-time link — the one an admin hands a new staff member
 * (their first password), or the reset link mailed by "Forgot password?". The password is
 * set, every session of the account ends, and the person is sent to sign in with it.
 */
import { useState, type FormEvent } from 'react';
import { Link as RouterLink, useLocation } from 'react-router';
import { Alert, Button, Link, Stack, TextField, Typography } from '@mui/material';
import { apiClient, errorCode, errorMessage } from '@/lib/api-client';
import { useAuth } from '@/lib/auth';
import { AuthLayout } from '@/features/auth/components/auth-layout';
import { linkToken, passwordProblem } from '@/features/auth/utils/password-rules';
import type { MessageResponse } from '@/types/models';
import type { SetPasswordRequest } from '@/types/fulfilment';

/** Where a new link comes from: "Forgot password?" (anyone), or an admin (staff). */
function NewLinkHelp() {
  return (
    <Typography variant="body2" data-testid="set-password-new-link">
      Need a new link?{' '}
      <Link component={RouterLink} to="/forgot-password" sx={{ display: 'inline-block', py: 1.5 }}>
        Ask for one by e-mail
      </Link>
      , or, for a staff account, ask an admin to send one from the Staff page.
    </Typography>
  );
}

export default function SetPasswordPage() {
  const { search } = useLocation();
  const { user } = useAuth();
  const token = linkToken(search);
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [problem, setProblem] = useState<{ password?: string; repeat?: string }>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!token) return;
    const p = passwordProblem(password);
    const r = repeat !== password ? 'The two passwords differ.' : undefined;
    setProblem({ password: p ?? undefined, repeat: r });
    if (p || r) return;
    setBusy(true);
    setError(null);
    try {
      await apiClient.post<MessageResponse>('/api/auth/set-password', { token, password } satisfies SetPasswordRequest);
      setDone(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  if (!token) {
    return (
      <AuthLayout title="Choose your password">
        <Stack spacing={2}>
          <Alert severity="error" role="alert" data-testid="set-password-no-token">
            This link is incomplete. Open the whole link from your e-mail (or the one an admin gave you), or ask for a new one.
          </Alert>
          <NewLinkHelp />
        </Stack>
      </AuthLayout>
    );
  }

  if (done) {
    return (
      <AuthLayout title="Password set">
        <Stack spacing={2} data-testid="set-password-done">
          <Alert severity="success" role="status">
            Your password is set. Every device signed in with the old one was signed out: sign in with your e-mail and the new
            password.
          </Alert>
          {user && (
            <Alert severity="info">
              This browser is signed in as {user.email}: sign out first to sign in with the new password.
            </Alert>
          )}
          <Button component={RouterLink} to="/login" replace autoFocus variant="contained" size="large" sx={{ minHeight: 48 }} data-testid="set-password-sign-in">
            Sign in
          </Button>
        </Stack>
      </AuthLayout>
    );
  }

  const invalid = errorCode(error) === 'invalid_link';
  return (
    <AuthLayout title="Choose your password">
      <form onSubmit={submit} noValidate aria-label="Set your password" data-testid="set-password-form">
        <Stack spacing={2}>
          <Typography color="text.secondary">
            Choose the password you will sign in with from now on, for a new account or in place of a forgotten one. This link
            works once.
          </Typography>
          {error !== null && (
            <Alert severity="error" role="alert" data-testid="set-password-error" data-code={errorCode(error) ?? ''}>
              {errorMessage(error)}
            </Alert>
          )}
          {invalid && <NewLinkHelp />}
          <TextField
            label="New password"
            type="password"
            autoComplete="new-password"
            value={password}
            onChange={(e) => {
              setPassword(e.target.value);
              setProblem((s) => ({ ...s, password: undefined }));
            }}
            error={!!problem.password}
            helperText={problem.password ?? 'At least 8 characters, with a letter and a digit or symbol.'}
            required
            slotProps={{ htmlInput: { 'aria-label': 'New password', 'data-testid': 'set-password-input' } }}
          />
          <TextField
            label="Repeat the password"
            type="password"
            autoComplete="new-password"
            value={repeat}
            onChange={(e) => {
              setRepeat(e.target.value);
              setProblem((s) => ({ ...s, repeat: undefined }));
            }}
            error={!!problem.repeat}
            helperText={problem.repeat ?? ' '}
            required
            slotProps={{ htmlInput: { 'aria-label': 'Repeat the password', 'data-testid': 'set-password-repeat' } }}
          />
          <Button type="submit" variant="contained" size="large" disabled={busy} sx={{ minHeight: 48 }} data-testid="set-password-submit">
            {busy ? 'Saving…' : 'Set password'}
          </Button>
        </Stack>
      </form>
    </AuthLayout>
  );
}
