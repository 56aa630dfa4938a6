/**
 * Store staff (pickers): the list, per store or all; a new picker for a store; and the
 * one-time link where they set their first password. The link is shown once (copy it
 * then); "New link" makes another and the old one stops working.
 */
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import {
  Alert,
  Box,
  Button,
  Card,
  CardContent,
  Chip,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  Paper,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableContainer,
  TableHead,
  TableRow,
  TextField,
  Typography,
} from '@mui/material';
import { EmptyState, ErrorState, LoadingState } from '@/components/page-state';
import { useSnackbar } from '@/components/snackbar-provider';
import { usePhone } from '@/hooks/use-phone';
import { useFieldErrors } from '@/hooks/use-field-errors';
import { errorMessage } from '@/lib/api-client';
import { formatDateTime } from '@/lib/format';
import { INVALID_EMAIL, isValidEmail } from '@/lib/field-errors';
import { fulfilmentApi } from '@/features/admin/api/fulfilment-api';
import { StoreFilter } from '@/features/admin/components/store-filter';
import { useAdminStores, useStoreFilter } from '@/features/admin/hooks/use-admin-stores';
import { absoluteLink } from '@/features/admin/utils/staff-link';
import type { StaffCreatedResponse, StaffView } from '@/types/fulfilment';

const FIELDS = ['email', 'name', 'storeId'] as const;

/** The one-time link, shown once, with a copy button. */
function LinkDialog({ created, onClose }: { created: StaffCreatedResponse | null; onClose: () => void }) {
  const phone = usePhone();
  const [copied, setCopied] = useState(false);
  // The last link stays in the dialog while it closes.
  const [shown, setShown] = useState(created);
  if (created && created !== shown) setShown(created);
  const link = shown ? absoluteLink(shown.setupLink, window.location.origin) : '';
  useEffect(() => setCopied(false), [link]);

  async function copy() {
    try {
      await navigator.clipboard.writeText(link);
      setCopied(true);
    } catch {
      // No clipboard (an insecure origin, or refused): select the text to copy by hand.
      const input = document.querySelector<HTMLTextAreaElement>('[data-testid="staff-link"]');
      input?.select();
    }
  }

  return (
    <Dialog open={created !== null} onClose={onClose} fullScreen={phone} fullWidth maxWidth="sm" aria-labelledby="staff-link-title" data-testid="staff-link-dialog">
      <DialogTitle id="staff-link-title">Password link for {shown?.staff.name}</DialogTitle>
      <DialogContent>
        <Stack spacing={2}>
          <Alert severity="warning">
            This link is shown only now. Send it to {shown?.staff.name} ({shown?.staff.email}): it sets their password once and works until{' '}
            {formatDateTime(shown?.linkExpiresAt)}.
          </Alert>
          <TextField
            label="One-time link"
            value={link}
            fullWidth
            multiline
            slotProps={{
              htmlInput: { readOnly: true, 'aria-label': 'One-time password link', 'data-testid': 'staff-link', style: { wordBreak: 'break-all' }, onFocus: (e: React.FocusEvent<HTMLTextAreaElement>) => e.target.select() },
            }}
          />
          {copied && (
            <Typography color="success.main" role="status" data-testid="staff-link-copied">
              Copied.
            </Typography>
          )}
        </Stack>
      </DialogContent>
      <DialogActions sx={{ p: 2, gap: 1 }}>
        <Button onClick={onClose} sx={{ minHeight: 44 }} data-testid="staff-link-close">
          Done
        </Button>
        <Button variant="contained" onClick={() => void copy()} sx={{ minHeight: 44 }} data-testid="staff-link-copy">
          Copy link
        </Button>
      </DialogActions>
    </Dialog>
  );
}

function CreateStaffForm({ onCreated }: { onCreated: (created: StaffCreatedResponse) => void }) {
  const { stores } = useAdminStores();
  const [form, setForm] = useState({ email: '', name: '', storeId: '' });
  const [busy, setBusy] = useState(false);
  const errors = useFieldErrors(FIELDS);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const found: Partial<Record<(typeof FIELDS)[number], string>> = {};
    if (form.name.trim().length < 2) found.name = 'Enter their name.';
    if (!isValidEmail(form.email)) found.email = INVALID_EMAIL;
    if (!form.storeId) found.storeId = 'Choose the store they work in.';
    if (Object.keys(found).length) {
      errors.setFields(found);
      return;
    }
    setBusy(true);
    errors.clear();
    try {
      const created = await fulfilmentApi.createStaff({ email: form.email.trim(), name: form.name.trim(), role: 'picker', storeId: form.storeId });
      setForm({ email: '', name: '', storeId: form.storeId });
      onCreated(created);
    } catch (err) {
      errors.fail(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card>
      <CardContent>
        <Typography variant="h6" component="h2" gutterBottom>
          New picker
        </Typography>
        <form onSubmit={submit} noValidate aria-label="New picker" data-testid="staff-form">
          <Stack spacing={1.5}>
            {errors.formError && (
              <Alert severity="error" role="alert" data-testid="staff-error">
                {errors.formError}
              </Alert>
            )}
            <Box sx={{ display: 'grid', gap: 1.5, gridTemplateColumns: { xs: 'minmax(0, 1fr)', sm: 'repeat(3, minmax(0, 1fr))' } }}>
              <TextField
                label="Name"
                size="small"
                value={form.name}
                onChange={(e) => {
                  setForm((f) => ({ ...f, name: e.target.value }));
                  errors.clear('name');
                }}
                error={!!errors.fieldError('name')}
                helperText={errors.fieldError('name')}
                slotProps={{ htmlInput: { 'aria-label': 'Name', 'data-testid': 'staff-name', maxLength: 80 } }}
              />
              <TextField
                label="E-mail"
                size="small"
                type="email"
                value={form.email}
                onChange={(e) => {
                  setForm((f) => ({ ...f, email: e.target.value }));
                  errors.clear('email');
                }}
                error={!!errors.fieldError('email')}
                helperText={errors.fieldError('email')}
                slotProps={{ htmlInput: { 'aria-label': 'E-mail', 'data-testid': 'staff-email' } }}
              />
              <TextField
                select
                label="Store"
                size="small"
                value={stores.some((s) => s.id === form.storeId) ? form.storeId : ''}
                onChange={(e) => {
                  setForm((f) => ({ ...f, storeId: e.target.value }));
                  errors.clear('storeId');
                }}
                error={!!errors.fieldError('storeId')}
                helperText={errors.fieldError('storeId')}
                slotProps={{ select: { native: true, inputProps: { 'aria-label': 'Store', 'data-testid': 'staff-store' } }, inputLabel: { shrink: true } }}
              >
                <option value="">Choose a store</option>
                {stores.map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.name} ({s.code})
                  </option>
                ))}
              </TextField>
            </Box>
            <Typography variant="body2" color="text.secondary">
              Pickers never sign up themselves: you get a one-time link where they set their password.
            </Typography>
            <Box>
              <Button type="submit" variant="contained" disabled={busy} sx={{ minHeight: 44 }} data-testid="staff-create">
                {busy ? 'Creating…' : 'Create picker'}
              </Button>
            </Box>
          </Stack>
        </form>
      </CardContent>
    </Card>
  );
}

export function StaffPage() {
  const [storeId, setStoreId] = useStoreFilter();
  const { byId } = useAdminStores();
  const { notify } = useSnackbar();
  const [staff, setStaff] = useState<StaffView[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [created, setCreated] = useState<StaffCreatedResponse | null>(null);
  const [linking, setLinking] = useState<string | null>(null);
  const phone = usePhone();

  const load = useCallback(() => {
    fulfilmentApi
      .staff(storeId || undefined)
      .then((r) => {
        setStaff(r.staff);
        setError(null);
      })
      .catch(setError);
  }, [storeId]);
  useEffect(load, [load]);

  async function newLink(member: StaffView) {
    setLinking(member.id);
    try {
      setCreated(await fulfilmentApi.newLink(member.id));
    } catch (err) {
      notify(errorMessage(err), 'error');
    } finally {
      setLinking(null);
    }
  }

  return (
    <Stack spacing={2} data-testid="staff-page">
      <Stack direction="row" sx={{ alignItems: 'center', gap: 1, flexWrap: 'wrap' }}>
        <Typography variant="h5" component="h1" sx={{ fontWeight: 700, flexGrow: 1 }}>
          Staff
        </Typography>
        <StoreFilter value={storeId} onChange={setStoreId} testId="staff-store-filter" />
      </Stack>
      <CreateStaffForm
        onCreated={(c) => {
          setCreated(c);
          notify(`${c.staff.name} can now set a password with the link.`, 'success');
          load();
        }}
      />
      {error !== null && <ErrorState error={error} onRetry={load} />}
      {!staff && error === null && <LoadingState rows={3} label="Loading staff" />}
      {staff && staff.length === 0 && <EmptyState title="No pickers yet" hint="Create one above for a store that picks and packs." />}
      {staff && staff.length > 0 && phone && (
        <Stack spacing={1} data-testid="staff-table">
          {staff.map((m) => {
            const store = byId(m.storeId);
            return (
              <Paper key={m.id} variant="outlined" sx={{ p: 1.5 }} data-testid="staff-row" data-user-id={m.id} data-email={m.email}>
                <Stack direction="row" sx={{ alignItems: 'center', gap: 1 }}>
                  <Typography sx={{ fontWeight: 700, flexGrow: 1, minWidth: 0 }} noWrap>
                    {m.name}
                  </Typography>
                  <Chip size="small" color={m.status === 'active' ? 'success' : 'default'} label={m.status === 'active' ? 'Active' : m.status === 'blocked' ? 'Blocked' : m.status} />
                </Stack>
                <Typography variant="body2" sx={{ overflowWrap: 'anywhere' }}>
                  {m.email}
                </Typography>
                <Typography variant="body2" color="text.secondary">
                  {store ? `${store.name} (${store.code})` : 'No store'} · since {formatDateTime(m.createdAt)}
                </Typography>
                <Button size="small" variant="outlined" onClick={() => void newLink(m)} disabled={linking === m.id} sx={{ mt: 1, minHeight: 44 }}
                  aria-label={`New password link for ${m.name}`} data-testid="staff-new-link">
                  {linking === m.id ? 'Making…' : 'New password link'}
                </Button>
              </Paper>
            );
          })}
        </Stack>
      )}
      {staff && staff.length > 0 && !phone && (
        <TableContainer component={Paper} variant="outlined" sx={{ maxWidth: '100%', overflowX: 'auto' }}>
          <Table size="small" aria-label="Staff" data-testid="staff-table">
            <TableHead>
              <TableRow>
                <TableCell>Name</TableCell>
                <TableCell>E-mail</TableCell>
                <TableCell>Store</TableCell>
                <TableCell>Status</TableCell>
                <TableCell>Since</TableCell>
                <TableCell align="right">Password link</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {staff.map((m) => {
                const store = byId(m.storeId);
                return (
                  <TableRow key={m.id} data-testid="staff-row" data-user-id={m.id} data-email={m.email}>
                    <TableCell sx={{ fontWeight: 600 }}>{m.name}</TableCell>
                    <TableCell sx={{ overflowWrap: 'anywhere' }}>{m.email}</TableCell>
                    <TableCell>{store ? `${store.name} (${store.code})` : '—'}</TableCell>
                    <TableCell>
                      <Chip size="small" color={m.status === 'active' ? 'success' : 'default'} label={m.status === 'active' ? 'Active' : m.status === 'blocked' ? 'Blocked' : m.status} />
                    </TableCell>
                    <TableCell sx={{ whiteSpace: 'nowrap' }}>{formatDateTime(m.createdAt)}</TableCell>
                    <TableCell align="right">
                      <Button size="small" variant="outlined" onClick={() => void newLink(m)} disabled={linking === m.id} sx={{ minHeight: 36, whiteSpace: 'nowrap' }}
                        aria-label={`New password link for ${m.name}`} data-testid="staff-new-link">
                        {linking === m.id ? 'Making…' : 'New link'}
                      </Button>
                    </TableCell>
                  </TableRow>
                );
              })}
            </TableBody>
          </Table>
        </TableContainer>
      )}
      <LinkDialog created={created} onClose={() => setCreated(null)} />
    </Stack>
  );
}
