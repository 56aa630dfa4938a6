/**
 * Webhook endpoints: the list (events, on/off, failing since, why it is off), a new
 * endpoint (its `whsec_` signing secret shown once; a refused URL explained on the URL
 * field), switching one on or off, deleting one, and its delivery log.
 */
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
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
  Switch,
  TextField,
  Typography,
} from '@mui/material';
import { AddIcon } from '@/components/icons';
import { EmptyState, ErrorState, LoadingState } from '@/components/page-state';
import { useSnackbar } from '@/components/snackbar-provider';
import { usePhone } from '@/hooks/use-phone';
import { useReconnect, useSocketEvent } from '@/hooks/use-socket-event';
import { errorMessage } from '@/lib/api-client';
import type { SplitErrors } from '@/lib/field-errors';
import { formatDateTime } from '@/lib/format';
import { integrationsApi } from '@/features/admin/api/integrations-api';
import { ConfirmDialog } from '@/features/admin/components/confirm-dialog';
import { SecretDialog, type ShownSecret } from '@/features/admin/components/secret-dialog';
import { WebhookDeliveriesDialog } from '@/features/admin/components/webhook-deliveries-dialog';
import {
  WEBHOOK_EVENT_GROUPS,
  WEBHOOK_EVENTS,
  disabledSentence,
  splitWebhookError,
  webhookState,
  webhookUrlProblem,
  type WebhookField,
} from '@/features/admin/utils/integrations';
import type { WebhookCreatedResponse, WebhookView } from '@/types/integrations';

const MONO = 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace';
const NO_ERRORS: SplitErrors<WebhookField> = { fields: {}, form: null };

function CreateWebhookDialog({ open, onClose, onCreated }: { open: boolean; onClose: () => void; onCreated: (created: WebhookCreatedResponse) => void }) {
  const phone = usePhone();
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<SplitErrors<WebhookField>>(NO_ERRORS);
  const urlRef = useRef<HTMLInputElement | null>(null);

  useEffect(() => {
    if (!open) return;
    setUrl('');
    setEvents([]);
    setErrors(NO_ERRORS);
  }, [open]);

  const clearField = (field: WebhookField) =>
    setErrors((e) => (e.fields[field] ? { ...e, fields: { ...e.fields, [field]: undefined } } : e));

  function setChosen(next: string[]) {
    // Kept in the order of the list, whatever order they were ticked in.
    setEvents(WEBHOOK_EVENTS.filter((e) => next.includes(e)));
    clearField('events');
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    const urlProblem = webhookUrlProblem(url);
    const eventsProblem = events.length ? null : 'Choose at least one event type.';
    if (urlProblem || eventsProblem) {
      setErrors({ fields: { url: urlProblem ?? undefined, events: eventsProblem ?? undefined }, form: null });
      if (urlProblem) urlRef.current?.focus();
      return;
    }
    setBusy(true);
    setErrors(NO_ERRORS);
    try {
      onCreated(await integrationsApi.createWebhook({ url: url.trim(), events }));
    } catch (err) {
      const split = splitWebhookError(err);
      setErrors(split);
      // The list of events is long (on a phone the URL is off the screen): show the refused URL.
      if (split.fields.url) urlRef.current?.focus();
    } finally {
      setBusy(false);
    }
  }

  const all = events.length === WEBHOOK_EVENTS.length;
  return (
    <Dialog open={open} onClose={() => !busy && onClose()} fullScreen={phone} fullWidth maxWidth="sm" aria-labelledby="webhook-form-title" data-testid="webhook-dialog">
      <form onSubmit={submit} noValidate aria-label="New webhook" data-testid="webhook-form">
        <DialogTitle id="webhook-form-title">New webhook</DialogTitle>
        <DialogContent>
          <Stack spacing={2} sx={{ pt: 1 }}>
            {errors.form && (
              <Alert severity="error" role="alert" data-testid="webhook-error">
                {errors.form}
              </Alert>
            )}
            <TextField
              label="URL"
              type="url"
              value={url}
              autoFocus
              inputRef={urlRef}
              placeholder="https://erp.example.com/quickcommerce"
              onChange={(e) => {
                setUrl(e.target.value);
                clearField('url');
              }}
              error={!!errors.fields.url}
              helperText={errors.fields.url ?? 'Where QuickCommerce sends the events: a POST, signed, for each one.'}
              slotProps={{
                htmlInput: { 'aria-label': 'URL', 'data-testid': 'webhook-url', inputMode: 'url', autoCapitalize: 'off', spellCheck: false, maxLength: 2000 },
                formHelperText: { 'data-testid': 'webhook-url-help', 'data-error': errors.fields.url ? 'true' : 'false' } as object,
              }}
            />
            <FormControl component="fieldset" error={!!errors.fields.events} data-testid="webhook-events-field">
              <FormLabel component="legend">Events to send</FormLabel>
              <FormControlLabel
                sx={{ minHeight: 44, mr: 0 }}
                control={
                  <Checkbox
                    checked={all}
                    indeterminate={events.length > 0 && !all}
                    onChange={(e) => setChosen(e.target.checked ? [...WEBHOOK_EVENTS] : [])}
                    slotProps={{ input: { 'aria-label': 'Every event type', 'data-testid': 'webhook-events-all' } as object }}
                  />
                }
                label="Every event type"
              />
              {WEBHOOK_EVENT_GROUPS.map((group) => (
                <Box key={group.label} sx={{ mt: 1 }}>
                  <Typography variant="subtitle2" component="p" color="text.secondary">
                    {group.label}
                  </Typography>
                  <FormGroup sx={{ display: 'grid', gridTemplateColumns: { xs: 'minmax(0, 1fr)', sm: 'repeat(2, minmax(0, 1fr))' }, columnGap: 1 }}>
                    {group.events.map((type) => (
                      <FormControlLabel
                        key={type}
                        sx={{ minHeight: 44, mr: 0, minWidth: 0 }}
                        control={
                          <Checkbox
                            checked={events.includes(type)}
                            onChange={(e) => setChosen(e.target.checked ? [...events, type] : events.filter((x) => x !== type))}
                            slotProps={{ input: { 'aria-label': type, 'data-testid': `webhook-event-${type}` } as object }}
                          />
                        }
                        label={
                          <Typography variant="body2" sx={{ fontFamily: MONO, overflowWrap: 'anywhere' }}>
                            {type}
                          </Typography>
                        }
                      />
                    ))}
                  </FormGroup>
                </Box>
              ))}
              {errors.fields.events && <FormHelperText data-testid="webhook-events-error">{errors.fields.events}</FormHelperText>}
            </FormControl>
          </Stack>
        </DialogContent>
        <DialogActions sx={{ p: 2, gap: 1 }}>
          <Button onClick={onClose} disabled={busy} sx={{ minHeight: 44 }} data-testid="webhook-cancel">
            Cancel
          </Button>
          <Button type="submit" variant="contained" disabled={busy} sx={{ minHeight: 44 }} data-testid="webhook-create">
            {busy ? 'Checking the address…' : 'Create webhook'}
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}

function WebhookCard({
  hook,
  switching,
  onToggle,
  onLog,
  onDelete,
}: {
  hook: WebhookView;
  switching: boolean;
  onToggle: (enabled: boolean) => void;
  onLog: () => void;
  onDelete: () => void;
}) {
  const state = webhookState(hook);
  return (
    <Paper variant="outlined" sx={{ p: 1.5 }} data-testid="webhook-row" data-webhook-id={hook.id} data-url={hook.url} data-enabled={hook.enabled ? 'true' : 'false'}>
      <Stack direction="row" sx={{ alignItems: 'flex-start', gap: 1 }}>
        <Typography sx={{ fontFamily: MONO, fontWeight: 600, overflowWrap: 'anywhere', flexGrow: 1, minWidth: 0 }} data-testid="webhook-url-text">
          {hook.url}
        </Typography>
        <Chip size="small" color={state.tone} label={state.label} data-testid="webhook-state" />
      </Stack>
      <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 0.5, my: 1 }} aria-label="Event types" data-testid="webhook-events">
        {hook.events.map((e) => (
          <Chip key={e} size="small" variant="outlined" label={e} sx={{ fontFamily: MONO }} />
        ))}
      </Box>
      {hook.enabled && hook.failingSince && (
        <Alert severity="warning" sx={{ mb: 1 }} data-testid="webhook-failing">
          Every delivery has failed since {formatDateTime(hook.failingSince)}. After 3 days of this the endpoint is switched off.
        </Alert>
      )}
      {!hook.enabled && (
        <Alert severity="info" sx={{ mb: 1 }} data-testid="webhook-disabled-reason">
          {disabledSentence(hook.disabledReason)} Nothing is sent to it until it is switched on again.
        </Alert>
      )}
      <Typography variant="body2" color="text.secondary">
        Added {formatDateTime(hook.createdAt)}
      </Typography>
      <Stack direction="row" sx={{ alignItems: 'center', gap: 1, mt: 1, flexWrap: 'wrap' }}>
        <FormControlLabel
          sx={{ minHeight: 44, mr: 'auto', ml: 0 }}
          control={
            <Switch
              checked={hook.enabled}
              disabled={switching}
              onChange={(e) => onToggle(e.target.checked)}
              slotProps={{ input: { 'aria-label': `Send events to ${hook.url}`, 'data-testid': 'webhook-enabled' } as object }}
            />
          }
          label={hook.enabled ? 'Sending' : 'Switched off'}
          data-testid="webhook-enabled-label"
        />
        <Button size="small" variant="outlined" onClick={onLog} sx={{ minHeight: 44 }} data-testid="webhook-log">
          Delivery log
        </Button>
        <Button size="small" color="error" onClick={onDelete} sx={{ minHeight: 44 }} aria-label={`Delete the webhook to ${hook.url}`} data-testid="webhook-delete">
          Delete
        </Button>
      </Stack>
    </Paper>
  );
}

export function WebhooksSection() {
  const { notify } = useSnackbar();
  const [hooks, setHooks] = useState<WebhookView[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [creating, setCreating] = useState(false);
  const [shown, setShown] = useState<ShownSecret | null>(null);
  const [switching, setSwitching] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<WebhookView | null>(null);
  const [logOf, setLogOf] = useState<WebhookView | null>(null);

  const load = useCallback(() => {
    integrationsApi
      .webhooks()
      .then((r) => {
        setHooks(r.webhooks);
        setError(null);
      })
      .catch(setError);
  }, []);
  useEffect(load, [load]);
  useReconnect(load);
  // The server switched one off (every delivery failed for 3 days): the admin app says so; here the list follows.
  useSocketEvent('webhook:disabled', load);

  const replace = (hook: WebhookView) => setHooks((list) => (list ?? []).map((h) => (h.id === hook.id ? hook : h)));

  async function toggle(hook: WebhookView, enabled: boolean) {
    setSwitching(hook.id);
    try {
      replace(await integrationsApi.setWebhookEnabled(hook.id, enabled));
      notify(enabled ? `Sending events to ${hook.url} again.` : `Nothing is sent to ${hook.url} until you switch it on.`, 'success');
    } catch (err) {
      notify(errorMessage(err), 'error');
    } finally {
      setSwitching(null);
    }
  }

  async function remove(hook: WebhookView) {
    await integrationsApi.deleteWebhook(hook.id);
    setHooks((list) => (list ?? []).filter((h) => h.id !== hook.id));
    setDeleting(null);
    if (logOf?.id === hook.id) setLogOf(null);
    notify(`The webhook to ${hook.url} is deleted.`, 'success');
  }

  return (
    <Stack spacing={1.5} component="section" aria-labelledby="webhooks-heading" data-testid="webhooks-section">
      <Stack direction="row" sx={{ alignItems: 'center', gap: 1, flexWrap: 'wrap' }}>
        <Typography id="webhooks-heading" variant="h6" component="h2" sx={{ fontWeight: 700, flexGrow: 1 }}>
          Webhooks
        </Typography>
        <Button variant="contained" startIcon={<AddIcon />} onClick={() => setCreating(true)} sx={{ minHeight: 44 }} data-testid="webhook-new">
          New webhook
        </Button>
      </Stack>
      <Typography variant="body2" color="text.secondary">
        Events are sent as they happen, signed (Standard Webhooks), and retried for 24 hours until the receiver answers 2xx. An endpoint failing every delivery for 3 days
        is switched off.
      </Typography>
      {error !== null && <ErrorState error={error} onRetry={load} />}
      {!hooks && error === null && <LoadingState rows={2} label="Loading webhooks" />}
      {hooks && hooks.length === 0 && <EmptyState title="No webhooks yet" hint="Add the address of a system that should hear about orders and stock." />}
      {hooks && hooks.length > 0 && (
        <Box sx={{ display: 'grid', gap: 1, alignItems: 'start', gridTemplateColumns: { xs: 'minmax(0, 1fr)', lg: 'repeat(2, minmax(0, 1fr))' } }} data-testid="webhook-list">
          {hooks.map((h) => (
            <WebhookCard
              key={h.id}
              hook={h}
              switching={switching === h.id}
              onToggle={(enabled) => void toggle(h, enabled)}
              onLog={() => setLogOf(h)}
              onDelete={() => setDeleting(h)}
            />
          ))}
        </Box>
      )}
      <CreateWebhookDialog
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={(created) => {
          setCreating(false);
          setHooks((list) => [...(list ?? []).filter((h) => h.id !== created.webhook.id), created.webhook]);
          setShown({
            kind: 'webhook',
            title: 'Signing secret of the new webhook',
            secret: created.secret,
            usage: (
              <>
                The receiver checks the <code>webhook-signature</code> header with it: HMAC-SHA256 of <code>{'{webhook-id}.{webhook-timestamp}.{body}'}</code>, keyed by
                the base64-decoded part after <code>whsec_</code> (docs/INTEGRATIONS.md has code for it).
              </>
            ),
          });
        }}
      />
      <SecretDialog shown={shown} onClose={() => setShown(null)} />
      <ConfirmDialog
        open={deleting !== null}
        title="Delete this webhook?"
        confirmLabel="Delete webhook"
        busyLabel="Deleting…"
        testId="webhook-delete-dialog"
        onClose={() => setDeleting(null)}
        onConfirm={() => (deleting ? remove(deleting) : Promise.resolve())}
      >
        Nothing more is sent to <Box component="span" sx={{ fontFamily: MONO, overflowWrap: 'anywhere' }}>{deleting?.url}</Box>, deliveries not yet sent are dropped, and
        its delivery log is deleted with it.
      </ConfirmDialog>
      <WebhookDeliveriesDialog webhook={logOf} onClose={() => setLogOf(null)} />
    </Stack>
  );
}
