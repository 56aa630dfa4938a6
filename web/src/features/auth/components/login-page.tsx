import { useState, type FormEvent } from 'react';
import { Link as RouterLink, useNavigate } from 'react-router';
import { Alert, Button, Link, Stack, Typography } from '@mui/material';
import { OutlinedField } from '@/components/outlined-field';
import { Defer } from '@/components/defer';
import { homeOf, useAuth } from '@/lib/auth';
import { INVALID_EMAIL, isValidEmail } from '@/lib/field-errors';
import { useFieldErrors } from '@/hooks/use-field-errors';
import { AuthLayout } from '@/features/auth/components/auth-layout';
import { DemoAccounts } from '@/features/auth/components/demo-accounts';

const FIELDS = ['email', 'password'] as const;

export default function LoginPage() {
  const { login, endedReason } = useAuth();
  const navigate = useNavigate();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const errors = useFieldErrors(FIELDS);
  const error = errors.formError;
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    // A typo in the address is not a wrong password: say so before asking the server.
    if (!isValidEmail(email)) {
      errors.setFields({ email: INVALID_EMAIL });
      return;
    }
    setBusy(true);
    errors.clear();
    try {
      const user = await login({ email: email.trim(), password });
      navigate(homeOf(user.role), { replace: true });
    } catch (err) {
      errors.fail(err);
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
          <OutlinedField
            id="login-email"
            label="E-mail"
            type="email"
            autoComplete="email"
            value={email}
            onChange={(e) => {
              setEmail(e.target.value);
              errors.clear('email', true);
            }}
            required
            error={!!errors.fieldError('email')}
            helperText={errors.fieldError('email')}
            htmlInput={{ 'aria-label': 'E-mail', 'data-testid': 'login-email' }}
            helperTextProps={{ role: 'alert' }}
          />
          <OutlinedField
            id="login-password"
            label="Password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => {
              setPassword(e.target.value);
              errors.clear('password', true);
            }}
            required
            error={!!errors.fieldError('password')}
            helperText={errors.fieldError('password')}
            htmlInput={{ 'aria-label': 'Password', 'data-testid': 'login-password' }}
          />
          {/* A reset link by mail; what was typed as the e-mail comes along. */}
          <Link
            component={RouterLink}
            to={email.trim() ? `/forgot-password?email=${encodeURIComponent(email.trim())}` : '/forgot-password'}
            variant="body2"
            sx={{ alignSelf: 'flex-end', display: 'inline-flex', alignItems: 'center', minHeight: 44, px: 0.5, mt: '4px !important' }}
            data-testid="login-forgot"
          >
            Forgot password?
          </Link>
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
      {/* Under the form, a moment after it: the form's first render is a shorter task. */}
      <Defer>
        <DemoAccounts
          onPick={(e, p) => {
            setEmail(e);
            setPassword(p);
            errors.clear();
          }}
        />
      </Defer>
    </AuthLayout>
  );
}
