/**
 * `/forgot-password` ("Forgot password?" on the sign-in page): the e-mail goes to
 * `POST /api/auth/forgot-password`, and the server's answer is shown as it is — the same
 * whether or not an account uses the address, so nobody learns who has one. The mail's
 * link opens `/set-password?token=…` (valid one hour).
 */
import { useState, type FormEvent } from 'react';
import { Link as RouterLink, useLocation } from 'react-router';
import { Alert, Button, Link, Stack, TextField, Typography } from '@mui/material';
import { apiClient, errorMessage } from '@/lib/api-client';
import { fieldIssues, fieldSentence, INVALID_EMAIL, isValidEmail } from '@/lib/field-errors';
import { AuthLayout } from '@/features/auth/components/auth-layout';
import type { ForgotPasswordRequest, MessageResponse } from '@/types/models';

export default function ForgotPasswordPage() {
  const { search } = useLocation();
  // The sign-in page passes what was typed there (`?email=`).
  const [email, setEmail] = useState(() => new URLSearchParams(search).get('email')?.trim() ?? '');
  const [emailError, setEmailError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [answer, setAnswer] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!isValidEmail(email)) {
      setEmailError(INVALID_EMAIL);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const res = await apiClient.post<MessageResponse>('/api/auth/forgot-password', { email: email.trim() } satisfies ForgotPasswordRequest);
      setAnswer(res.message || 'If an account uses this e-mail, a link to reset its password is on its way.');
    } catch (err) {
      const issue = fieldIssues(err).find((i) => i.field === 'email');
      if (issue) setEmailError(fieldSentence(issue.message));
      else setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  if (answer) {
    return (
      <AuthLayout title="Check your e-mail">
        <Stack spacing={2} data-testid="forgot-password-sent">
          <Alert severity="success" role="status" data-testid="forgot-password-answer">
            {answer}
          </Alert>
          <Typography variant="body2" color="text.secondary">
            Look in the inbox of <b style={{ overflowWrap: 'anywhere' }}>{email.trim()}</b>: the link works for one hour. Nothing
            after a few minutes? Check the spam folder, or ask again.
          </Typography>
          <Button component={RouterLink} to="/login" variant="contained" size="large" sx={{ minHeight: 48 }} data-testid="forgot-password-back">
            Back to sign in
          </Button>
          <Button
            onClick={() => {
              setAnswer(null);
              setError(null);
            }}
            sx={{ minHeight: 44 }}
            data-testid="forgot-password-again"
          >
            Use another e-mail
          </Button>
        </Stack>
      </AuthLayout>
    );
  }

  return (
    <AuthLayout title="Forgot your password?">
      <form onSubmit={submit} noValidate aria-label="Ask for a password reset link" data-testid="forgot-password-form">
        <Stack spacing={2}>
          <Typography color="text.secondary">
            Enter the e-mail you sign in with. We will send a link to choose a new password.
          </Typography>
          {error && (
            <Alert severity="error" role="alert" data-testid="forgot-password-error">
              {error}
            </Alert>
          )}
          <TextField
            id="forgot-email"
            label="E-mail"
            type="email"
            autoComplete="email"
            autoFocus
            value={email}
            onChange={(e) => {
              setEmail(e.target.value);
              setEmailError(null);
              setError(null);
            }}
            required
            error={!!emailError}
            helperText={emailError ?? ' '}
            slotProps={{ htmlInput: { 'aria-label': 'E-mail', 'data-testid': 'forgot-email' }, formHelperText: { role: emailError ? 'alert' : undefined } }}
          />
          <Button type="submit" variant="contained" size="large" disabled={busy || !email.trim()} sx={{ minHeight: 48 }} data-testid="forgot-submit">
            {busy ? 'Sending…' : 'Send me a link'}
          </Button>
          <Typography variant="body2">
            Remembered it?{' '}
            <Link component={RouterLink} to="/login" sx={{ display: 'inline-block', py: 1.5, px: 0.5 }} data-testid="forgot-password-sign-in">
              Sign in
            </Link>
          </Typography>
        </Stack>
      </form>
    </AuthLayout>
  );
}
