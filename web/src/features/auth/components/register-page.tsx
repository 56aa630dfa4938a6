import { useEffect, useState, type FormEvent } from 'react';
import { Link as RouterLink, useNavigate } from 'react-router';
import {
  Alert,
  Button,
  FormControl,
  FormControlLabel,
  FormLabel,
  InputLabel,
  Link,
  MenuItem,
  Radio,
  RadioGroup,
  Select,
  Stack,
  TextField,
  Typography,
} from '@mui/material';
import { homeOf, useAuth } from '@/lib/auth';
import { errorMessage } from '@/lib/api-client';
import { INVALID_EMAIL, isValidEmail } from '@/lib/field-errors';
import { useFieldErrors } from '@/hooks/use-field-errors';
import { storesApi } from '@/lib/stores';
import type { StorePublicView } from '@/types/models';
import { AuthLayout } from '@/features/auth/components/auth-layout';

const FIELDS = ['name', 'email', 'password', 'phone', 'storeId'] as const;
type Field = (typeof FIELDS)[number];

export default function RegisterPage() {
  const { register } = useAuth();
  const navigate = useNavigate();
  const [form, setForm] = useState({ name: '', email: '', phone: '', password: '', role: 'customer', storeId: '' });
  const [stores, setStores] = useState<StorePublicView[] | null>(null);
  const [storesError, setStoresError] = useState<unknown>(null);
  const delivery = form.role === 'delivery';

  // Partners pick their home store: the one whose orders they will be offered.
  useEffect(() => {
    if (!delivery || stores) return;
    const controller = new AbortController();
    storesApi
      .list(controller.signal)
      .then((r) => {
        const list = [...r.stores].sort((a, b) => a.name.localeCompare(b.name));
        setStores(list);
        if (list.length === 1) setForm((f) => ({ ...f, storeId: list[0].id }));
      })
      .catch((err: unknown) => !controller.signal.aborted && setStoresError(err));
    return () => controller.abort();
  }, [delivery, stores]);
  const errors = useFieldErrors(FIELDS);
  const [busy, setBusy] = useState(false);

  const set = (key: keyof typeof form) => (e: { target: { value: string } }) => {
    setForm((f) => ({ ...f, [key]: e.target.value }));
    // What was wrong with this field is gone once it is edited.
    if ((FIELDS as readonly string[]).includes(key)) errors.clear(key as Field);
  };

  async function submit(event: FormEvent) {
    event.preventDefault();
    const found: Partial<Record<Field, string>> = {};
    if (!form.name.trim()) found.name = 'Enter your name.';
    if (!isValidEmail(form.email)) found.email = INVALID_EMAIL;
    if (form.password.length < 8) found.password = 'Use at least 8 characters.';
    if (delivery && stores && stores.length > 1 && !form.storeId) found.storeId = 'Choose the store you will deliver for.';
    if (Object.keys(found).length) {
      errors.setFields(found);
      return;
    }
    setBusy(true);
    errors.clear();
    try {
      const user = await register({
        name: form.name.trim(),
        email: form.email.trim(),
        password: form.password,
        phone: form.phone.trim() || null,
        role: form.role,
        storeId: delivery && form.storeId ? form.storeId : null,
      });
      navigate(homeOf(user.role), { replace: true });
    } catch (err) {
      errors.fail(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <AuthLayout title="Create an account">
      <form onSubmit={submit} noValidate aria-label="Registration form">
        <Stack spacing={2}>
          {errors.formError && (
            <Alert severity="error" role="alert" data-testid="register-error">
              {errors.formError}
            </Alert>
          )}
          <FormControl>
            <FormLabel id="role-label">I want to</FormLabel>
            <RadioGroup row aria-labelledby="role-label" value={form.role} onChange={set('role')}>
              <FormControlLabel value="customer" control={<Radio slotProps={{ input: { 'aria-label': 'Shop as a customer' } }} />} label="Shop" />
              <FormControlLabel
                value="delivery"
                control={<Radio slotProps={{ input: { 'aria-label': 'Deliver as a partner' } }} />}
                label="Deliver"
              />
            </RadioGroup>
          </FormControl>
          {delivery && (
            <FormControl required error={!!errors.fieldError('storeId') || storesError !== null}>
              <InputLabel id="store-label">Home store</InputLabel>
              <Select
                labelId="store-label"
                label="Home store"
                value={form.storeId}
                onChange={set('storeId')}
                inputProps={{ 'aria-label': 'Home store' }}
                data-testid="register-store"
              >
                {(stores ?? []).map((s) => (
                  <MenuItem key={s.id} value={s.id} data-store-code={s.code}>
                    {s.name} ({s.code})
                  </MenuItem>
                ))}
              </Select>
              <Typography variant="caption" color={errors.fieldError('storeId') || storesError !== null ? 'error' : 'text.secondary'} sx={{ mt: 0.5, mx: 1.75 }}>
                {storesError !== null
                  ? errorMessage(storesError)
                  : (errors.fieldError('storeId') ?? 'You get the orders of this store; pick the one you can reach quickly.')}
              </Typography>
            </FormControl>
          )}
          <TextField label="Full name" value={form.name} onChange={set('name')} required autoComplete="name"
            error={!!errors.fieldError('name')} helperText={errors.fieldError('name')} id="register-name"
            slotProps={{ htmlInput: { 'aria-label': 'Full name' } }} />
          <TextField label="E-mail" type="email" value={form.email} onChange={set('email')} required autoComplete="email"
            error={!!errors.fieldError('email')} helperText={errors.fieldError('email')} id="register-email"
            slotProps={{ htmlInput: { 'aria-label': 'E-mail' } }} />
          <TextField label="Phone (optional)" type="tel" value={form.phone} onChange={set('phone')} autoComplete="tel"
            error={!!errors.fieldError('phone')} helperText={errors.fieldError('phone')} id="register-phone"
            slotProps={{ htmlInput: { 'aria-label': 'Phone' } }} />
          <TextField label="Password" type="password" value={form.password} onChange={set('password')} required
            autoComplete="new-password" error={!!errors.fieldError('password')} id="register-password"
            helperText={errors.fieldError('password') ?? 'At least 8 characters.'}
            slotProps={{ htmlInput: { 'aria-label': 'Password' } }} />
          <Button type="submit" variant="contained" size="large" disabled={busy} aria-label="Create account">
            {busy ? 'Creating…' : 'Create account'}
          </Button>
          <Typography variant="body2">
            Already registered?{' '}
            <Link component={RouterLink} to="/login" aria-label="Sign in instead">
              Sign in
            </Link>
          </Typography>
        </Stack>
      </form>
    </AuthLayout>
  );
}
