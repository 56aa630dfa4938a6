/**
 * API keys for point-of-sale, ERP and support systems: the list (scopes, store, last use,
 * revoked), a new key (its secret shown once), and revoking one (it stops working at once).
 */
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import {
  Alert,
  Box,
  Button,
  Checkbox,
  Chip,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  FormControl,
  FormControlLabel,
  FormGroup,
  FormHelperText,
  FormLabel,
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
import { AddIcon } from '@/components/icons';
import { EmptyState, ErrorState, LoadingState } from '@/components/page-state';
import { useSnackbar } from '@/components/snackbar-provider';
import { useFieldErrors } from '@/hooks/use-field-errors';
import { usePhone } from '@/hooks/use-phone';
import { useReconnect } from '@/hooks/use-socket-event';
import { formatDateTime } from '@/lib/format';
import { integrationsApi } from '@/features/admin/api/integrations-api';
import { ConfirmDialog } from '@/features/admin/components/confirm-dialog';
import { SecretDialog, type ShownSecret } from '@/features/admin/components/secret-dialog';
import { useAdminStores } from '@/features/admin/hooks/use-admin-stores';
import { API_SCOPES, isRevoked, maskedKey, sortApiKeys } from '@/features/admin/utils/integrations';
import type { ApiKeyCreatedResponse, ApiKeyView } from '@/types/integrations';

const FIELDS = ['name', 'scopes', 'storeId'] as const;
const MONO = 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace';

function ScopeChips({ scopes }: { scopes: string[] }) {
  return (
    <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 0.5 }} data-testid="api-key-scopes">
      {scopes.map((s) => (
        <Chip key={s} size="small" label={s} sx={{ fontFamily: MONO }} data-testid="api-key-scope" />
      ))}
    </Box>
  );
}

function CreateApiKeyDialog({ open, onClose, onCreated }: { open: boolean; onClose: () => void; onCreated: (created: ApiKeyCreatedResponse) => void }) {
  const phone = usePhone();
  const { stores } = useAdminStores();
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<string[]>([]);
  const [storeId, setStoreId] = useState('');
  const [busy, setBusy] = useState(false);
  const errors = useFieldErrors(FIELDS);
  const { clear } = errors;

  useEffect(() => {
    if (!open) return;
    setName('');
    setScopes([]);
    setStoreId('');
    clear();
  }, [open, clear]);

  function toggle(scope: string, on: boolean) {
    setScopes((list) => (on ? [...list.filter((s) => s !== scope), scope] : list.filter((s) => s !== scope)));
    errors.clear('scopes');
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    const found: Partial<Record<(typeof FIELDS)[number], string>> = {};
    if (!name.trim()) found.name = 'Name the key after the system that uses it.';
    if (!scopes.length) found.scopes = 'Choose at least one thing the key may do.';
    if (Object.keys(found).length) {
      errors.setFields(found);
      return;
    }
    setBusy(true);
    errors.clear();
    try {
      // In the order they are listed, whatever order they were ticked in.
      const ordered = API_SCOPES.map((s) => s.scope).filter((s) => scopes.includes(s));
      onCreated(await integrationsApi.createApiKey({ name: name.trim(), scopes: ordered, storeId: storeId || null }));
    } catch (err) {
      errors.fail(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog open={open} onClose={() => !busy && onClose()} fullScreen={phone} fullWidth maxWidth="sm" aria-labelledby="api-key-form-title" data-testid="api-key-dialog">
      <form onSubmit={submit} noValidate aria-label="New API key" data-testid="api-key-form">
        <DialogTitle id="api-key-form-title">New API key</DialogTitle>
        <DialogContent>
          <Stack spacing={2} sx={{ pt: 1 }}>
            {errors.formError && (
              <Alert severity="error" role="alert" data-testid="api-key-error">
                {errors.formError}
              </Alert>
            )}
            <TextField
              label="Name"
              value={name}
              autoFocus
              onChange={(e) => {
                setName(e.target.value);
                errors.clear('name');
              }}
              error={!!errors.fieldError('name')}
              helperText={errors.fieldError('name') ?? 'The system that will use it, e.g. "Bandra POS".'}
              slotProps={{ htmlInput: { 'aria-label': 'Name', 'data-testid': 'api-key-name', maxLength: 80 } }}
            />
            <FormControl component="fieldset" error={!!errors.fieldError('scopes')} data-testid="api-key-scopes-field">
              <FormLabel component="legend">What it may do</FormLabel>
              <FormGroup>
                {API_SCOPES.map((s) => (
                  <FormControlLabel
                    key={s.scope}
                    sx={{ minHeight: 44, alignItems: 'center', mr: 0 }}
                    control={
                      <Checkbox
                        checked={scopes.includes(s.scope)}
                        onChange={(e) => toggle(s.scope, e.target.checked)}
                        slotProps={{ input: { 'aria-label': `${s.label} (${s.scope})`, 'data-testid': `api-key-scope-${s.scope}` } as object }}
                      />
                    }
                    label={
                      <Box sx={{ py: 0.5 }}>
                        <Typography component="span" sx={{ fontWeight: 600 }}>
                          {s.label}
                        </Typography>{' '}
                        <Typography component="span" variant="body2" sx={{ fontFamily: MONO }}>
                          {s.scope}
                        </Typography>
                        <Typography variant="body2" color="text.secondary">
                          {s.hint}
                        </Typography>
                      </Box>
                    }
                  />
                ))}
              </FormGroup>
              {errors.fieldError('scopes') && <FormHelperText>{errors.fieldError('scopes')}</FormHelperText>}
            </FormControl>
            <TextField
              select
              label="Store"
              value={stores.some((s) => s.id === storeId) ? storeId : ''}
              onChange={(e) => {
                setStoreId(e.target.value);
                errors.clear('storeId');
              }}
              error={!!errors.fieldError('storeId')}
              helperText={errors.fieldError('storeId') ?? 'A key bound to a store reads only its orders and changes only its stock.'}
              slotProps={{ select: { native: true, inputProps: { 'aria-label': 'Store', 'data-testid': 'api-key-store' } }, inputLabel: { shrink: true } }}
            >
              <option value="">Every store</option>
              {stores.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name} ({s.code})
                </option>
              ))}
            </TextField>
          </Stack>
        </DialogContent>
        <DialogActions sx={{ p: 2, gap: 1 }}>
          <Button onClick={onClose} disabled={busy} sx={{ minHeight: 44 }} data-testid="api-key-cancel">
            Cancel
          </Button>
          <Button type="submit" variant="contained" disabled={busy} sx={{ minHeight: 44 }} data-testid="api-key-create">
            {busy ? 'Creating…' : 'Create key'}
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}

function KeyState({ apiKey }: { apiKey: ApiKeyView }) {
  return isRevoked(apiKey) ? (
    <Chip size="small" label={`Revoked ${formatDateTime(apiKey.revokedAt)}`} data-testid="api-key-state" data-state="revoked" />
  ) : (
    <Chip size="small" color="success" label="Active" data-testid="api-key-state" data-state="active" />
  );
}

export function ApiKeysSection() {
  const phone = usePhone();
  const { byId } = useAdminStores();
  const { notify } = useSnackbar();
  const [keys, setKeys] = useState<ApiKeyView[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [creating, setCreating] = useState(false);
  const [shown, setShown] = useState<ShownSecret | null>(null);
  const [revoking, setRevoking] = useState<ApiKeyView | null>(null);

  const load = useCallback(() => {
    integrationsApi
      .apiKeys()
      .then((r) => {
        setKeys(sortApiKeys(r.apiKeys));
        setError(null);
      })
      .catch(setError);
  }, []);
  useEffect(load, [load]);
  useReconnect(load);

  const storeName = (id: string | null | undefined) => {
    if (!id) return 'Every store';
    const s = byId(id);
    return s ? `${s.name} (${s.code})` : 'A store that no longer exists';
  };

  async function revoke(key: ApiKeyView) {
    const { apiKey } = await integrationsApi.revokeApiKey(key.id);
    setKeys((list) => sortApiKeys((list ?? []).map((k) => (k.id === apiKey.id ? apiKey : k))));
    setRevoking(null);
    notify(`"${key.name}" is revoked: calls with it are refused from now on.`, 'success');
  }

  const revokeButton = (k: ApiKeyView) =>
    isRevoked(k) ? null : (
      <Button size="small" color="error" variant="outlined" onClick={() => setRevoking(k)} sx={{ minHeight: 44, whiteSpace: 'nowrap' }}
        aria-label={`Revoke ${k.name}`} data-testid="api-key-revoke">
        Revoke
      </Button>
    );

  return (
    <Stack spacing={1.5} component="section" aria-labelledby="api-keys-heading" data-testid="api-keys-section">
      <Stack direction="row" sx={{ alignItems: 'center', gap: 1, flexWrap: 'wrap' }}>
        <Typography id="api-keys-heading" variant="h6" component="h2" sx={{ fontWeight: 700, flexGrow: 1 }}>
          API keys
        </Typography>
        <Button variant="contained" startIcon={<AddIcon />} onClick={() => setCreating(true)} sx={{ minHeight: 44 }} data-testid="api-key-new">
          New API key
        </Button>
      </Stack>
      <Typography variant="body2" color="text.secondary">
        Systems call the integration API with <code>Authorization: Bearer qck_…</code>. Each key does only what its scopes allow.
      </Typography>
      {error !== null && <ErrorState error={error} onRetry={load} />}
      {!keys && error === null && <LoadingState rows={2} label="Loading API keys" />}
      {keys && keys.length === 0 && <EmptyState title="No API keys yet" hint="Create one for each system that calls QuickCommerce." />}
      {keys && keys.length > 0 && phone && (
        <Stack spacing={1} data-testid="api-key-list">
          {keys.map((k) => (
            <Paper key={k.id} variant="outlined" sx={{ p: 1.5, opacity: isRevoked(k) ? 0.75 : 1 }} data-testid="api-key-row" data-key-id={k.id} data-prefix={k.prefix} data-name={k.name}>
              <Stack direction="row" sx={{ alignItems: 'center', gap: 1, mb: 0.5 }}>
                <Typography sx={{ fontWeight: 700, flexGrow: 1, minWidth: 0, overflowWrap: 'anywhere' }}>{k.name}</Typography>
                <KeyState apiKey={k} />
              </Stack>
              <Typography variant="body2" sx={{ fontFamily: MONO, overflowWrap: 'anywhere' }} data-testid="api-key-prefix">
                {maskedKey(k.prefix)}
              </Typography>
              <Box sx={{ my: 0.75 }}>
                <ScopeChips scopes={k.scopes} />
              </Box>
              <Typography variant="body2" color="text.secondary">
                {storeName(k.storeId)} · created {formatDateTime(k.createdAt)}
              </Typography>
              <Typography variant="body2" color="text.secondary" data-testid="api-key-last-used">
                Last used: {k.lastUsedAt ? formatDateTime(k.lastUsedAt) : 'never'}
              </Typography>
              {!isRevoked(k) && <Box sx={{ mt: 1 }}>{revokeButton(k)}</Box>}
            </Paper>
          ))}
        </Stack>
      )}
      {keys && keys.length > 0 && !phone && (
        <TableContainer component={Paper} variant="outlined" sx={{ maxWidth: '100%', overflowX: 'auto' }}>
          <Table size="small" aria-label="API keys" data-testid="api-key-list">
            <TableHead>
              <TableRow>
                <TableCell>Name</TableCell>
                <TableCell>Key</TableCell>
                <TableCell>Scopes</TableCell>
                <TableCell>Store</TableCell>
                <TableCell>Created</TableCell>
                <TableCell>Last used</TableCell>
                <TableCell>State</TableCell>
                <TableCell align="right" aria-label="Actions" />
              </TableRow>
            </TableHead>
            <TableBody>
              {keys.map((k) => (
                <TableRow key={k.id} data-testid="api-key-row" data-key-id={k.id} data-prefix={k.prefix} data-name={k.name} sx={{ opacity: isRevoked(k) ? 0.75 : 1 }}>
                  <TableCell sx={{ fontWeight: 600, overflowWrap: 'anywhere' }}>{k.name}</TableCell>
                  <TableCell sx={{ fontFamily: MONO, whiteSpace: 'nowrap' }} data-testid="api-key-prefix">
                    {maskedKey(k.prefix)}
                  </TableCell>
                  <TableCell>
                    <ScopeChips scopes={k.scopes} />
                  </TableCell>
                  <TableCell>{storeName(k.storeId)}</TableCell>
                  <TableCell sx={{ whiteSpace: 'nowrap' }}>{formatDateTime(k.createdAt)}</TableCell>
                  <TableCell sx={{ whiteSpace: 'nowrap' }} data-testid="api-key-last-used">
                    {k.lastUsedAt ? formatDateTime(k.lastUsedAt) : 'Never'}
                  </TableCell>
                  <TableCell>
                    <KeyState apiKey={k} />
                  </TableCell>
                  <TableCell align="right">{revokeButton(k)}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </TableContainer>
      )}
      <CreateApiKeyDialog
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={(created) => {
          setCreating(false);
          setKeys((list) => sortApiKeys([created.apiKey, ...(list ?? []).filter((k) => k.id !== created.apiKey.id)]));
          setShown({
            kind: 'api-key',
            title: `API key "${created.apiKey.name}"`,
            secret: created.secret,
            usage: (
              <>
                Give it to the system that will call QuickCommerce. It sends it as <code>Authorization: Bearer qck_…</code> (see the API reference at{' '}
                <code>/api/docs</code>).
              </>
            ),
          });
        }}
      />
      <SecretDialog shown={shown} onClose={() => setShown(null)} />
      <ConfirmDialog
        open={revoking !== null}
        title={`Revoke "${revoking?.name ?? ''}"?`}
        confirmLabel="Revoke key"
        busyLabel="Revoking…"
        testId="api-key-revoke-dialog"
        onClose={() => setRevoking(null)}
        onConfirm={() => (revoking ? revoke(revoking) : Promise.resolve())}
      >
        Every call made with <code>{revoking ? maskedKey(revoking.prefix) : ''}</code> is refused from now on. This cannot be undone: to let the system in again,
        create a new key.
      </ConfirmDialog>
    </Stack>
  );
}
