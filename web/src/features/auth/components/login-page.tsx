import { useState, type FormEvent } from 'react';
import { Link as RouterLink, useNavigate } from 'react-router';
import { Alert, Button, Link, Stack, TextField, Typography } from '@mui/material';
import { homeOf, useAuth } from '@/lib/auth';
import { errorMessage } from '@/lib/api-client';
import { AuthLayout } from '@/features/auth/components/auth-layout';
import { DemoAccounts } from '@/features/auth/components/demo-accounts';

export default function LoginPage() {
  const { login, endedReason } = useAuth();
  const navigate = useNavigate();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const user = await login({ email: email.trim(), password });
      navigate(homeOf(user.role), { replace: true });
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <AuthLayout title="Sign in">
      <form onSubmit={submit} noValidate aria-label="Sign in form">
        <Stack spacing={2}>
          {endedReason && !error && (
            <Alert severity="warning" role="status" data-testid="session-ended">
              {endedReason}
            </Alert>
          )}
          {error && (
            <Alert severity="error" role="alert" data-testid="login-error">
              {error}
            </Alert>
          )}
          <TextField
            label="E-mail"
            type="email"
            autoComplete="email"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            required
            slotProps={{ htmlInput: { 'aria-label': 'E-mail', 'data-testid': 'login-email' } }}
          />
          <TextField
            label="Password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
            slotProps={{ htmlInput: { 'aria-label': 'Password', 'data-testid': 'login-password' } }}
          />
          <Button
            type="submit"
            variant="contained"
            size="large"
            disabled={busy || !email || !password}
            aria-label="Sign in"
            data-testid="login-submit"
          >
            {busy ? 'Signing in…' : 'Sign in'}
          </Button>
          <Typography variant="body2">
            New here?{' '}
            <Link component={RouterLink} to="/register" aria-label="Create an account">
              Create an account
            </Link>
          </Typography>
        </Stack>
      </form>
      <DemoAccounts
        onPick={(e, p) => {
          setEmail(e);
          setPassword(p);
          setError(null);
        }}
      />
    </AuthLayout>
  );
}
