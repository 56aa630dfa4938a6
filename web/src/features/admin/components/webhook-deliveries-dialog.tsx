/**
 * An endpoint's delivery log: each delivery's event type, state, tries and next try, and
 * every try (time, status code or error, latency, the start of the answer) behind a
 * toggle. Fetched again every 5 s while open; "Replay" sends a delivery again now.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import {
  Alert,
  Box,
  Button,
  Chip,
  Collapse,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  Paper,
  Stack,
  Typography,
} from '@mui/material';
import { ExpandMoreIcon, RefreshIcon } from '@/components/icons';
import { EmptyState, LoadingState } from '@/components/page-state';
import { useSnackbar } from '@/components/snackbar-provider';
import { usePhone } from '@/hooks/use-phone';
import { errorMessage } from '@/lib/api-client';
import { formatDateTime, formatTime } from '@/lib/format';
import { integrationsApi } from '@/features/admin/api/integrations-api';
import { deliveryStatus, excerptPreview, formatLatency, nextTryIn, tryOutcome } from '@/features/admin/utils/integrations';
import type { WebhookAttemptView, WebhookDeliveryView, WebhookView } from '@/types/integrations';

const REFRESH_MS = 5000;
const MONO = 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace';

function TryRow({ t }: { t: WebhookAttemptView }) {
  const outcome = tryOutcome(t);
  const excerpt = excerptPreview(t.excerpt);
  return (
    <Box component="li" sx={{ py: 1, borderTop: 1, borderColor: 'divider', listStyle: 'none' }} data-testid="delivery-try" data-attempt={t.attempt}
      data-status-code={t.statusCode ?? ''} data-ok={outcome.ok ? 'true' : 'false'}>
      <Stack direction="row" sx={{ alignItems: 'center', gap: 1, flexWrap: 'wrap' }}>
        <Typography variant="body2" sx={{ fontWeight: 600 }}>
          Try {t.attempt}
        </Typography>
        <Typography variant="body2" color="text.secondary" title={formatDateTime(t.at)}>
          {formatTime(t.at)}
        </Typography>
        <Chip size="small" color={outcome.ok ? 'success' : 'error'} variant="outlined" label={outcome.text} data-testid="delivery-try-outcome" />
        <Typography variant="body2" color="text.secondary">
          {formatLatency(t.latencyMs)}
        </Typography>
      </Stack>
      {excerpt && (
        <Box
          component="pre"
          aria-label={`The start of the answer to try ${t.attempt}`}
          data-testid="delivery-try-excerpt"
          sx={{
            m: 0,
            mt: 0.5,
            p: 1,
            bgcolor: 'action.hover',
            borderRadius: 1,
            fontFamily: MONO,
            fontSize: 12,
            whiteSpace: 'pre-wrap',
            overflowWrap: 'anywhere',
            maxHeight: 160,
            overflowY: 'auto',
          }}
        >
          {excerpt}
        </Box>
      )}
    </Box>
  );
}

function DeliveryCard({
  delivery,
  now,
  open,
  onToggle,
  replaying,
  onReplay,
}: {
  delivery: WebhookDeliveryView;
  now: number;
  open: boolean;
  onToggle: () => void;
  replaying: boolean;
  onReplay: () => void;
}) {
  const status = deliveryStatus(delivery.status);
  const next = nextTryIn(delivery, now);
  const triesId = `tries-${delivery.id.replace(/[^\w-]/g, '_')}`;
  return (
    <Paper variant="outlined" sx={{ p: 1.5 }} data-testid="delivery-row" data-delivery-id={delivery.id} data-status={delivery.status}
      data-attempts={delivery.attempts} data-event={delivery.eventType}>
      <Stack direction="row" sx={{ alignItems: 'center', gap: 1, flexWrap: 'wrap' }}>
        <Typography sx={{ fontFamily: MONO, fontWeight: 600, overflowWrap: 'anywhere', flexGrow: 1, minWidth: 0 }} data-testid="delivery-event">
          {delivery.eventType}
        </Typography>
        <Chip size="small" color={status.tone} label={status.label} data-testid="delivery-status" />
      </Stack>
      <Typography variant="body2" color="text.secondary" sx={{ mt: 0.5 }}>
        {delivery.attempts === 1 ? '1 try' : `${delivery.attempts} tries`} · created {formatDateTime(delivery.createdAt)}
        {delivery.deliveredAt ? ` · delivered ${formatTime(delivery.deliveredAt)}` : ''}
        {next ? ` · next try ${next}` : ''}
      </Typography>
      <Typography variant="caption" color="text.secondary" component="p" sx={{ fontFamily: MONO, overflowWrap: 'anywhere' }}>
        webhook-id {delivery.id}
      </Typography>
      <Stack direction="row" sx={{ gap: 1, mt: 1, flexWrap: 'wrap' }}>
        <Button
          size="small"
          onClick={onToggle}
          aria-expanded={open}
          aria-controls={triesId}
          endIcon={<ExpandMoreIcon sx={{ transform: open ? 'rotate(180deg)' : 'none', transition: 'transform 150ms' }} />}
          sx={{ minHeight: 44 }}
          disabled={delivery.tries.length === 0}
          data-testid="delivery-tries-toggle"
        >
          {delivery.tries.length === 0 ? 'Not tried yet' : open ? 'Hide tries' : `Show tries (${delivery.tries.length})`}
        </Button>
        <Button size="small" variant="outlined" onClick={onReplay} disabled={replaying} sx={{ minHeight: 44 }}
          aria-label={`Send this ${delivery.eventType} delivery again`} data-testid="delivery-replay">
          {replaying ? 'Sending…' : 'Replay'}
        </Button>
      </Stack>
      <Collapse in={open} unmountOnExit>
        <Box component="ul" id={triesId} sx={{ m: 0, mt: 1, p: 0 }} data-testid="delivery-tries">
          {delivery.tries.map((t) => (
            <TryRow key={`${t.attempt}-${t.at}`} t={t} />
          ))}
        </Box>
      </Collapse>
    </Paper>
  );
}

export function WebhookDeliveriesDialog({ webhook, onClose }: { webhook: WebhookView | null; onClose: () => void }) {
  const phone = usePhone();
  const { notify } = useSnackbar();
  const [deliveries, setDeliveries] = useState<WebhookDeliveryView[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [updatedAt, setUpdatedAt] = useState<number>(0);
  const [expanded, setExpanded] = useState<Set<string>>(() => new Set());
  const [replaying, setReplaying] = useState<string | null>(null);
  // The endpoint stays in the dialog while it closes.
  const [shown, setShown] = useState(webhook);
  if (webhook && webhook !== shown) setShown(webhook);
  const id = webhook?.id ?? null;
  const inFlight = useRef<AbortController | null>(null);

  const load = useCallback(() => {
    if (!id) return;
    inFlight.current?.abort();
    const controller = new AbortController();
    inFlight.current = controller;
    integrationsApi
      .deliveries(id, controller.signal)
      .then((r) => {
        if (controller.signal.aborted) return;
        setDeliveries(r.deliveries);
        setError(null);
        setUpdatedAt(Date.now());
      })
      .catch((err) => {
        if (!controller.signal.aborted) setError(err);
      })
      .finally(() => {
        if (inFlight.current === controller) inFlight.current = null;
      });
  }, [id]);

  // Opened for an endpoint: start afresh, then fetch every 5 s while open (a tick skips while one is on its way).
  useEffect(() => {
    if (!id) return;
    setDeliveries(null);
    setError(null);
    setExpanded(new Set());
    load();
    const timer = setInterval(() => {
      if (!inFlight.current) load();
    }, REFRESH_MS);
    return () => {
      clearInterval(timer);
      inFlight.current?.abort();
      inFlight.current = null;
    };
  }, [id, load]);

  async function replay(delivery: WebhookDeliveryView) {
    setReplaying(delivery.id);
    try {
      await integrationsApi.replayDelivery(delivery.id);
      notify(`The ${delivery.eventType} delivery is being sent again.`, 'success');
      load();
      // It is sent within a second: show that try without waiting for the next refresh.
      setTimeout(() => {
        if (!inFlight.current) load();
      }, 1200);
    } catch (err) {
      notify(errorMessage(err), 'error');
    } finally {
      setReplaying(null);
    }
  }

  const toggle = (deliveryId: string) =>
    setExpanded((set) => {
      const next = new Set(set);
      if (next.has(deliveryId)) next.delete(deliveryId);
      else next.add(deliveryId);
      return next;
    });

  const now = updatedAt || Date.now();
  return (
    <Dialog open={webhook !== null} onClose={onClose} fullScreen={phone} fullWidth maxWidth="md" aria-labelledby="delivery-log-title" data-testid="delivery-log"
      data-webhook-id={shown?.id}>
      <DialogTitle id="delivery-log-title" sx={{ pb: 0.5 }}>
        Delivery log
        <Typography variant="body2" color="text.secondary" sx={{ fontFamily: MONO, overflowWrap: 'anywhere' }}>
          {shown?.url}
        </Typography>
      </DialogTitle>
      <DialogContent>
        <Stack direction="row" sx={{ alignItems: 'center', gap: 1, flexWrap: 'wrap', mb: 1.5 }}>
          <Typography variant="body2" color="text.secondary" sx={{ flexGrow: 1 }} role="status" data-testid="delivery-log-updated">
            {updatedAt ? `Updated ${formatTime(new Date(updatedAt).toISOString())} · refreshes every 5 s` : 'Loading…'}
          </Typography>
          <Button size="small" startIcon={<RefreshIcon />} onClick={load} sx={{ minHeight: 44 }} data-testid="delivery-log-refresh">
            Refresh
          </Button>
        </Stack>
        {error !== null && (
          <Alert severity="error" role="alert" sx={{ mb: 1.5 }} data-testid="delivery-log-error">
            {errorMessage(error)}
          </Alert>
        )}
        {!deliveries && error === null && <LoadingState rows={2} label="Loading deliveries" />}
        {deliveries && deliveries.length === 0 && (
          <EmptyState title="Nothing sent yet" hint="Deliveries appear here as soon as one of the chosen events happens." />
        )}
        {deliveries && deliveries.length > 0 && (
          <Stack spacing={1} data-testid="delivery-list">
            {deliveries.map((d) => (
              <DeliveryCard
                key={d.id}
                delivery={d}
                now={now}
                open={expanded.has(d.id)}
                onToggle={() => toggle(d.id)}
                replaying={replaying === d.id}
                onReplay={() => void replay(d)}
              />
            ))}
          </Stack>
        )}
      </DialogContent>
      <DialogActions sx={{ p: 2 }}>
        <Button onClick={onClose} sx={{ minHeight: 44 }} data-testid="delivery-log-close">
          Close
        </Button>
      </DialogActions>
    </Dialog>
  );
}
