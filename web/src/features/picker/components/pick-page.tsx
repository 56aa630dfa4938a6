/**
 * One order's pick list in bin order (the walk through the store). Each line is confirmed
 * by its barcode (camera scan where the browser can, a keyboard-wedge scanner or typing
 * elsewhere), or marked short, or substituted. Once every line is done and no customer
 * answer is pending: the bag count, "Packed", and the label to print.
 *
 * Pickers are not told live when a customer answers a substitute, so while one waits the
 * pick list is fetched again every few seconds (and at the answer's deadline).
 */
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { Link as RouterLink, useNavigate, useParams } from 'react-router';
import { Alert, Box, Button, Card, CardContent, Chip, LinearProgress, Stack, TextField, Typography } from '@mui/material';
import { ErrorState, LoadingState } from '@/components/page-state';
import { useSnackbar } from '@/components/snackbar-provider';
import { useNow } from '@/hooks/use-now';
import { useReconnect, useSocketEvent } from '@/hooks/use-socket-event';
import { useAuth } from '@/lib/auth';
import { errorCode, errorMessage } from '@/lib/api-client';
import { formatMoney } from '@/lib/format';
import { clockOf, secondsLeft } from '@/lib/fulfilment';
import { pickerApi } from '@/features/picker/api/picker-api';
import { ScanButton } from '@/features/picker/components/barcode-scanner';
import { CountStepper } from '@/features/picker/components/count-stepper';
import { ShortDialog, SubstituteDialog } from '@/features/picker/components/line-dialogs';
import { PackLabel } from '@/features/picker/components/pack-label';
import { UrgencyChip } from '@/features/picker/components/queue-page';
import { barcodeHint, barcodeMatches, barcodeProblem, normaliseBarcode } from '@/features/picker/utils/barcode';
import { claimState, linePending, progressOf, suggestedBags, unitsToPack, urgencyOf } from '@/features/picker/utils/pick-list';
import type { PickLineRequest, PickLineView, PickerOrderView } from '@/types/fulfilment';

const POLL_WHILE_AWAITING_MS = 3000;

/** Whether this device has a fine pointer (a tablet with a scanner or a desktop): focus the field. */
function finePointer(): boolean {
  return typeof window !== 'undefined' && !!window.matchMedia?.('(pointer: fine)').matches;
}

function LineOutcome({ line, now }: { line: PickLineView; now: number }) {
  const pick = line.pick;
  const sub = pick?.substitute;
  const found = pick?.found ?? 0;
  switch (pick?.state) {
    case 'picked':
      return <Chip color="success" label={`Picked ${line.quantity}`} sx={{ fontWeight: 700 }} data-testid="line-outcome" />;
    case 'short':
      return <Chip color="warning" label={found === 0 ? 'Short: none found, refunded' : `Short: ${found} of ${line.quantity} found`} sx={{ fontWeight: 700 }} data-testid="line-outcome" />;
    case 'substituted':
      return (
        <Chip
          color="info"
          label={`${found ? `${found} found + ` : ''}${sub?.quantity ?? 0} × ${sub?.name ?? 'substitute'}`}
          sx={{ fontWeight: 700, maxWidth: '100%' }}
          data-testid="line-outcome"
        />
      );
    case 'proposed': {
      const deadline = sub?.expiresAt ? Date.parse(sub.expiresAt) : now;
      return (
        <Alert severity="warning" sx={{ py: 0 }} data-testid="line-awaiting">
          {sub?.quantity} × {sub?.name} ({formatMoney(sub?.unitPrice ?? 0)} each) proposed: waiting for the customer
          {sub?.expiresAt ? ` · ${clockOf(secondsLeft(deadline, now))}` : ''}. Keep it aside; no answer means a refund.
        </Alert>
      );
    }
    default:
      return null;
  }
}

function PickLineCard({
  line,
  disabled,
  autoFocus,
  busy,
  error,
  onPick,
  onShort,
  onSubstitute,
}: {
  line: PickLineView;
  disabled: boolean;
  autoFocus: boolean;
  busy: boolean;
  error: string | null;
  onPick: (barcode: string | null) => void;
  onShort: () => void;
  onSubstitute: () => void;
}) {
  const [code, setCode] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const pending = linePending(line);
  const now = useNow(1000);
  const hint = barcodeHint(line.barcode);

  function confirm(raw = code) {
    const issue = barcodeProblem(raw);
    if (issue) {
      setProblem(issue);
      return;
    }
    if (!barcodeMatches(line.barcode, raw)) {
      setProblem(`That barcode is not ${line.name}'s. Check the shelf.`);
      return;
    }
    setProblem(null);
    onPick(normaliseBarcode(raw));
  }

  return (
    <Card
      data-testid="pick-line"
      data-line-id={line.lineId}
      data-product-id={line.productId}
      data-state={line.pick?.state ?? 'pending'}
      data-substitution={line.substitution}
      sx={{ opacity: pending ? 1 : 0.92, borderLeft: 6, borderLeftColor: pending ? 'primary.main' : 'divider' }}
    >
      <CardContent sx={{ '&:last-child': { pb: 2 } }}>
        <Stack direction="row" sx={{ gap: 1.5, alignItems: 'flex-start' }}>
          <Box
            sx={{ minWidth: 72, flexShrink: 0, px: 1, py: 0.5, borderRadius: 1, bgcolor: pending ? 'primary.main' : 'action.selected', color: pending ? 'primary.contrastText' : 'text.primary', textAlign: 'center' }}
            aria-label={line.bin ? `Bin ${line.bin}` : 'No bin'}
            data-testid="pick-line-bin"
          >
            <Typography variant="caption" sx={{ display: 'block', lineHeight: 1.2, opacity: 0.85 }}>
              Bin
            </Typography>
            <Typography sx={{ fontWeight: 800, fontSize: 18, lineHeight: 1.3, whiteSpace: 'nowrap' }}>{line.bin ?? '—'}</Typography>
          </Box>
          <Box sx={{ minWidth: 0, flexGrow: 1 }}>
            <Typography sx={{ fontWeight: 700, fontSize: 18, overflowWrap: 'anywhere' }}>{line.name}</Typography>
            <Typography variant="body2" color="text.secondary">
              {line.unit}
              {hint ? ` · barcode ${hint}` : ''}
              {line.substitution === 'refund' ? ' · refund if short' : ''}
            </Typography>
          </Box>
          <Typography variant="h4" component="p" sx={{ fontWeight: 800, flexShrink: 0 }} aria-label={`Quantity ${line.quantity}`} data-testid="pick-line-qty">
            ×{line.quantity}
          </Typography>
        </Stack>

        {!pending && (
          <Box sx={{ mt: 1.5 }}>
            <LineOutcome line={line} now={now} />
          </Box>
        )}

        {pending && !disabled && (
          <Stack spacing={1} sx={{ mt: 1.5 }}>
            {line.barcode ? (
              <form
                onSubmit={(e: FormEvent) => {
                  e.preventDefault();
                  confirm();
                }}
                aria-label={`Confirm ${line.name} by its barcode`}
              >
                <Stack direction="row" sx={{ gap: 1, alignItems: 'flex-start' }}>
                  <TextField
                    label="Barcode"
                    value={code}
                    onChange={(e) => {
                      setCode(e.target.value);
                      setProblem(null);
                    }}
                    autoFocus={autoFocus}
                    autoComplete="off"
                    error={!!problem}
                    helperText={problem ?? undefined}
                    sx={{ flexGrow: 1, minWidth: 0 }}
                    slotProps={{ htmlInput: { inputMode: 'numeric', enterKeyHint: 'done', 'aria-label': `Barcode of ${line.name}`, 'data-testid': 'pick-barcode', style: { fontSize: 18 } } }}
                  />
                  <Button type="submit" variant="contained" size="large" disabled={busy || !code.trim()} sx={{ minHeight: 56, minWidth: 96 }} data-testid="pick-confirm">
                    {busy ? '…' : 'Picked'}
                  </Button>
                </Stack>
              </form>
            ) : (
              <Button variant="contained" size="large" onClick={() => onPick(null)} disabled={busy} sx={{ minHeight: 56 }} data-testid="pick-confirm">
                {busy ? 'Saving…' : `Picked all ${line.quantity}`}
              </Button>
            )}
            <Stack direction="row" sx={{ gap: 1, flexWrap: 'wrap' }}>
              {line.barcode && (
                <ScanButton
                  title={`Scan ${line.name}`}
                  disabled={busy}
                  onCode={(scanned) => {
                    setCode(scanned);
                    confirm(scanned);
                  }}
                />
              )}
              <Button variant="outlined" color="warning" size="large" onClick={onShort} disabled={busy} sx={{ minHeight: 48, flexGrow: 1 }} data-testid="pick-short">
                Short
              </Button>
              {line.substitution !== 'refund' && (
                <Button variant="outlined" size="large" onClick={onSubstitute} disabled={busy} sx={{ minHeight: 48, flexGrow: 1 }} data-testid="pick-substitute">
                  Substitute
                </Button>
              )}
            </Stack>
            {error && (
              <Alert severity="error" role="alert" data-testid="pick-line-error">
                {error}
              </Alert>
            )}
          </Stack>
        )}
      </CardContent>
    </Card>
  );
}

function PackPanel({ order, onPacked }: { order: PickerOrderView; onPacked: (order: PickerOrderView) => void }) {
  const units = unitsToPack(order);
  const [bags, setBags] = useState(() => suggestedBags(units));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  async function pack() {
    setBusy(true);
    setError(null);
    try {
      const res = await pickerApi.packed(order.id, bags);
      onPacked(res.order);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  return (
    <Card sx={{ borderColor: 'success.main', borderWidth: 2, borderStyle: 'solid' }} data-testid="pack-panel">
      <CardContent>
        <Typography variant="h6" component="h2">
          Pack
        </Typography>
        <Typography color="text.secondary" sx={{ mb: 2 }}>
          Every line is done: {units} {units === 1 ? 'item goes' : 'items go'} in the bags. How many bags?
        </Typography>
        <CountStepper value={bags} min={1} max={50} onChange={setBags} label="Bags" testId="pack-bags" />
        {error !== null && (
          <Alert severity="error" role="alert" sx={{ mt: 2 }} data-testid="pack-error">
            {errorMessage(error)}
          </Alert>
        )}
        <Button fullWidth variant="contained" color="success" size="large" onClick={() => void pack()} disabled={busy} sx={{ mt: 2, minHeight: 56, fontSize: 18 }} data-testid="pack-submit">
          {busy ? 'Saving…' : `Packed in ${bags} ${bags === 1 ? 'bag' : 'bags'}`}
        </Button>
      </CardContent>
    </Card>
  );
}

type Dialog = { kind: 'short' | 'substitute'; line: PickLineView } | null;

export function PickPage() {
  const { orderId = '' } = useParams();
  const { user } = useAuth();
  const navigate = useNavigate();
  const { notify } = useSnackbar();
  const [order, setOrder] = useState<PickerOrderView | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busyLine, setBusyLine] = useState<number | null>(null);
  const [lineErrors, setLineErrors] = useState<Record<number, string>>({});
  const [dialog, setDialog] = useState<Dialog>(null);
  const [dialogError, setDialogError] = useState<string | null>(null);
  const [claiming, setClaiming] = useState(false);
  const now = useNow(15_000);
  const [fine] = useState(finePointer);

  const load = useCallback(
    (signal?: AbortSignal) =>
      pickerApi
        .order(orderId, signal)
        .then((r) => {
          setOrder(r.order);
          setError(null);
        })
        .catch((err: unknown) => {
          if (!signal?.aborted) setError(err);
        }),
    [orderId],
  );
  useEffect(() => {
    const c = new AbortController();
    void load(c.signal);
    return () => c.abort();
  }, [load]);
  useReconnect(() => void load());
  useSocketEvent('fulfilment:updated', (e) => {
    if (e.orderId !== orderId) return;
    if (e.fulfilment === 'cancelled') notify('This order was cancelled: put its items back on the shelf.', 'warning');
    void load();
  });

  // A customer answer is not sent to pickers: look again while one is pending.
  const awaiting = order?.lines.some((l) => l.pick?.state === 'proposed') ?? false;
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(() => {
    if (!awaiting) return;
    const timer = setInterval(() => void loadRef.current(), POLL_WHILE_AWAITING_MS);
    return () => clearInterval(timer);
  }, [awaiting]);

  async function act(line: PickLineView, body: PickLineRequest, fromDialog: boolean) {
    setBusyLine(line.lineId);
    setLineErrors(({ [line.lineId]: _drop, ...rest }) => rest);
    setDialogError(null);
    try {
      const res = await pickerApi.line(orderId, line.lineId, body);
      setOrder(res.order);
      setDialog(null);
      const updated = res.order.lines.find((l) => l.lineId === line.lineId);
      if (updated?.pick?.state === 'proposed') notify('The substitute is dearer: the customer is asked. Keep it aside.', 'info');
    } catch (err) {
      const words = errorMessage(err);
      if (fromDialog) setDialogError(words);
      else setLineErrors((e) => ({ ...e, [line.lineId]: words }));
      if (errorCode(err) === 'line_done' || errorCode(err) === 'not_claimed' || errorCode(err) === 'invalid_fulfilment_state') void load();
    } finally {
      setBusyLine(null);
    }
  }

  async function claim() {
    if (!order) return;
    setClaiming(true);
    try {
      const res = await pickerApi.claim(order.id);
      setOrder(res.order);
    } catch (err) {
      notify(errorCode(err) === 'already_claimed' ? `Another picker claimed ${order.orderNumber} first.` : errorMessage(err), 'warning');
      void load();
    } finally {
      setClaiming(false);
    }
  }

  if (!order && error !== null) return <ErrorState error={error} onRetry={() => void load()} />;
  if (!order) return <LoadingState label="Loading the pick list…" />;

  const state = claimState(order, user?.id);
  const progress = progressOf(order);
  const mine = state === 'mine';
  const firstPending = order.lines.find(linePending)?.lineId;
  const cancelled = order.fulfilment === 'cancelled' || order.status === 'cancelled';

  return (
    <Stack spacing={2} data-testid="pick-page" data-order-id={order.id} data-fulfilment={order.fulfilment} data-claim={state}>
      <Stack direction="row" sx={{ alignItems: 'center', gap: 1, flexWrap: 'wrap' }}>
        <Button component={RouterLink} to="/picker" sx={{ minHeight: 48 }} aria-label="Back to the pick queue" data-testid="pick-back">
          ← Queue
        </Button>
        <Typography variant="h5" component="h1" sx={{ fontWeight: 800, flexGrow: 1 }}>
          {order.orderNumber}
        </Typography>
        {!cancelled && order.fulfilment !== 'packed' && <UrgencyChip urgency={urgencyOf(order.promisedAt, now)} />}
      </Stack>

      {cancelled && (
        <Alert severity="error" role="alert" data-testid="pick-cancelled">
          This order was cancelled. Put its items back on the shelf.
        </Alert>
      )}

      {order.fulfilment === 'packed' && (
        <Card data-testid="pick-packed">
          <CardContent>
            <Typography variant="h6" component="h2" sx={{ mb: 1 }}>
              Packed · stick this label on the bags
            </Typography>
            <PackLabel orderNumber={order.orderNumber} bags={order.bags ?? 1} items={unitsToPack(order)} packedAt={order.packedAt} />
            <Button fullWidth variant="contained" size="large" sx={{ mt: 2, minHeight: 56 }} onClick={() => navigate('/picker')} data-testid="pick-next-order">
              Next order
            </Button>
          </CardContent>
        </Card>
      )}

      {state === 'open' && !cancelled && (
        <Button variant="contained" size="large" onClick={() => void claim()} disabled={claiming} sx={{ minHeight: 56, fontSize: 18 }} data-testid="picker-claim">
          {claiming ? 'Claiming…' : 'Claim and start picking'}
        </Button>
      )}
      {state === 'theirs' && (
        <Alert severity="info" data-testid="pick-theirs">
          {order.picker?.name ?? 'Another picker'} is picking this order.
        </Alert>
      )}

      {order.fulfilment === 'picking' && (
        <Box>
          <Stack direction="row" sx={{ justifyContent: 'space-between', mb: 0.5 }}>
            <Typography sx={{ fontWeight: 600 }} data-testid="pick-progress" data-done={progress.done} data-lines={progress.lines}>
              {progress.done} of {progress.lines} lines done
            </Typography>
            <Typography color="text.secondary">{order.itemCount} items</Typography>
          </Stack>
          <LinearProgress variant="determinate" value={progress.lines ? (100 * (progress.done + progress.awaiting)) / progress.lines : 0} sx={{ height: 10, borderRadius: 5 }} />
        </Box>
      )}

      {mine && order.fulfilment === 'picking' && progress.canPack && <PackPanel order={order} onPacked={setOrder} />}
      {mine && order.fulfilment === 'picking' && progress.pending === 0 && progress.awaiting > 0 && (
        <Alert severity="info" data-testid="pack-waiting">
          Waiting for the customer&apos;s answer on {progress.awaiting} {progress.awaiting === 1 ? 'line' : 'lines'}: you can pack as soon as they answer (or the time runs out).
        </Alert>
      )}

      <Stack spacing={1.5} data-testid="pick-lines">
        {order.lines.map((line) => (
          <PickLineCard
            key={line.lineId}
            line={line}
            disabled={!mine || order.fulfilment !== 'picking'}
            autoFocus={fine && line.lineId === firstPending}
            busy={busyLine === line.lineId}
            error={lineErrors[line.lineId] ?? null}
            onPick={(barcode) => void act(line, { picked: { quantity: line.quantity, barcode } }, false)}
            onShort={() => {
              setDialogError(null);
              setDialog({ kind: 'short', line });
            }}
            onSubstitute={() => {
              setDialogError(null);
              setDialog({ kind: 'substitute', line });
            }}
          />
        ))}
      </Stack>

      {dialog?.kind === 'short' && (
        <ShortDialog
          line={dialog.line}
          busy={busyLine === dialog.line.lineId}
          error={dialogError}
          onClose={() => setDialog(null)}
          onSubmit={(found) => void act(dialog.line, { short: { found } }, true)}
        />
      )}
      {dialog?.kind === 'substitute' && (
        <SubstituteDialog
          orderId={order.id}
          line={dialog.line}
          busy={busyLine === dialog.line.lineId}
          error={dialogError}
          onClose={() => setDialog(null)}
          onSubmit={(s) => void act(dialog.line, { substitute: { productId: s.productId, barcode: s.barcode, quantity: s.quantity, found: s.found } }, true)}
        />
      )}
    </Stack>
  );
}
