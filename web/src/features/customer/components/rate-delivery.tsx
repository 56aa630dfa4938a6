/**
 * After delivery the customer rates it (1–5 stars, an optional comment) and may tip the
 * rider (₹10/₹20/₹30 or their own amount, sent in paise), once: on the tracking page
 * (`RateDeliveryCard`) and from the orders list (`RateDeliveryDialog`, full-screen on a
 * phone). A rated order says how it was rated instead.
 */
import { useId, useState, type FormEvent, type ReactNode } from 'react';
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
  IconButton,
  InputAdornment,
  Stack,
  TextField,
  Typography,
} from '@mui/material';
import { CloseIcon, StarIcon } from '@/components/icons';
import { useSnackbar } from '@/components/snackbar-provider';
import { usePhone } from '@/hooks/use-phone';
import { errorCode, errorMessage } from '@/lib/api-client';
import { fieldIssues, fieldSentence } from '@/lib/field-errors';
import {
  canRate,
  checkRating,
  MAX_COMMENT,
  ratingSummary,
  STAR_WORDS,
  TIP_CHIPS,
  tipAmount,
  tipLabel,
  type RatingCheck,
  type RatingDraft,
  type TipChoice,
} from '@/lib/rating';
import { ordersApi } from '@/features/customer/api/orders-api';
import type { OrderView } from '@/types/models';

const EMPTY: RatingDraft = { stars: 0, comment: '', tip: { kind: 'none' }, customTip: '' };

function riderOf(order: OrderView): string {
  return order.partner?.name?.split(' ')[0] || 'your rider';
}

/** The draft, its checks, and sending it once. */
function useRating(order: OrderView, onRated: (order: OrderView) => void) {
  const { notify } = useSnackbar();
  const [draft, setDraft] = useState<RatingDraft>(EMPTY);
  const [errors, setErrors] = useState<RatingCheck['errors']>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const change = (patch: Partial<RatingDraft>) => {
    setDraft((d) => ({ ...d, ...patch }));
    setErrors((e) => {
      const next = { ...e };
      if ('stars' in patch) delete next.stars;
      if ('comment' in patch) delete next.comment;
      if ('tip' in patch || 'customTip' in patch) delete next.tip;
      return next;
    });
    setError(null);
  };

  async function submit(event?: FormEvent) {
    event?.preventDefault();
    const check = checkRating(draft);
    setErrors(check.errors);
    setError(null);
    if (!check.body) return false;
    setBusy(true);
    try {
      const res = await ordersApi.rate(order.id, check.body);
      onRated(res.order);
      notify(
        check.body.tip ? `Thank you! ${tipLabel(check.body.tip)} goes to ${riderOf(order)} in full.` : 'Thank you for rating your delivery.',
        'success',
      );
      return true;
    } catch (err) {
      const code = errorCode(err);
      if (code === 'already_rated') {
        // Rated meanwhile (another tab or device): show how.
        ordersApi
          .get(order.id)
          .then((r) => onRated(r.order))
          .catch(() => undefined);
        notify(errorMessage(err), 'info');
        return true;
      }
      const issues = fieldIssues(err);
      if (issues.length) {
        const byField: RatingCheck['errors'] = {};
        const rest: string[] = [];
        for (const issue of issues) {
          const key = issue.field === 'rating' ? 'stars' : issue.field;
          if (key === 'stars' || key === 'comment' || key === 'tip') byField[key] = fieldSentence(issue.message);
          else rest.push(fieldSentence(issue.message));
        }
        setErrors(byField);
        setError(rest.length ? rest.join(' ') : null);
      } else {
        setError(errorMessage(err));
      }
      return false;
    } finally {
      setBusy(false);
    }
  }

  const tip = tipAmount(draft.tip, draft.customTip);
  const tipPaise = 'paise' in tip ? tip.paise : 0;
  const submitLabel = busy ? 'Sending…' : tipPaise > 0 ? `Send rating and ${tipLabel(tipPaise)} tip` : 'Send rating';
  return { draft, change, errors, error, busy, submit, submitLabel };
}

type RatingState = ReturnType<typeof useRating>;

function Stars({ value, onChange, error }: { value: number; onChange: (stars: number) => void; error?: string }) {
  const labelId = useId();
  return (
    <Box>
      <Typography id={labelId} variant="subtitle2" sx={{ fontWeight: 700 }}>
        How was the delivery?
      </Typography>
      <Stack direction="row" sx={{ alignItems: 'center', flexWrap: 'wrap', columnGap: 1 }}>
        <Box role="radiogroup" aria-labelledby={labelId} sx={{ display: 'flex' }} data-testid="rating-stars" data-value={value}>
          {[1, 2, 3, 4, 5].map((n) => (
            <IconButton
              key={n}
              role="radio"
              aria-checked={value === n}
              aria-label={`${n} ${n === 1 ? 'star' : 'stars'}: ${STAR_WORDS[n]}`}
              onClick={() => onChange(n)}
              sx={{ width: 48, height: 48, color: n <= value ? 'warning.main' : 'action.disabled' }}
              data-testid="rating-star"
              data-star={n}
            >
              <StarIcon sx={{ fontSize: 34 }} />
            </IconButton>
          ))}
        </Box>
        <Typography variant="body2" color="text.secondary" aria-live="polite">
          {value ? STAR_WORDS[value] : 'Tap a star'}
        </Typography>
      </Stack>
      {error && (
        <Typography variant="body2" color="error" role="alert" data-testid="rating-stars-error">
          {error}
        </Typography>
      )}
    </Box>
  );
}

function TipChips({ order, state }: { order: OrderView; state: RatingState }) {
  const { draft, change, errors } = state;
  const labelId = useId();
  const choices: { key: string; label: string; choice: TipChoice }[] = [
    { key: 'none', label: 'No tip', choice: { kind: 'none' } },
    ...TIP_CHIPS.map((amount) => ({ key: String(amount), label: tipLabel(amount), choice: { kind: 'chip', amount } as TipChoice })),
    { key: 'custom', label: 'Other', choice: { kind: 'custom' } },
  ];
  const selected = (c: TipChoice) =>
    c.kind === draft.tip.kind && (c.kind !== 'chip' || (draft.tip.kind === 'chip' && draft.tip.amount === c.amount));
  return (
    <Box>
      <Typography id={labelId} variant="subtitle2" sx={{ fontWeight: 700 }}>
        Tip {riderOf(order)}?
      </Typography>
      <Typography variant="body2" color="text.secondary" sx={{ mb: 1 }}>
        Optional. The whole tip goes to your rider.
      </Typography>
      <Stack direction="row" role="group" aria-labelledby={labelId} sx={{ flexWrap: 'wrap', gap: 1 }} data-testid="tip-chips">
        {choices.map(({ key, label, choice }) => {
          const on = selected(choice);
          return (
            <Chip
              key={key}
              label={label}
              clickable
              color={on ? 'primary' : 'default'}
              variant={on ? 'filled' : 'outlined'}
              onClick={() => change({ tip: choice })}
              aria-pressed={on}
              sx={{ minHeight: 44, minWidth: 64, borderRadius: 22, fontWeight: 700, fontSize: 15 }}
              data-testid="tip-chip"
              data-tip={key}
              data-selected={on}
            />
          );
        })}
      </Stack>
      {draft.tip.kind === 'custom' && (
        <TextField
          label="Tip amount"
          value={draft.customTip}
          onChange={(e) => change({ customTip: e.target.value })}
          error={!!errors.tip}
          helperText={errors.tip ? undefined : 'Up to ₹500.'}
          autoFocus
          sx={{ mt: 1.5, maxWidth: 200 }}
          slotProps={{
            input: { startAdornment: <InputAdornment position="start">₹</InputAdornment> },
            htmlInput: { inputMode: 'decimal', 'aria-label': 'Tip amount in rupees', 'aria-invalid': !!errors.tip, 'data-testid': 'tip-custom' },
          }}
        />
      )}
      {errors.tip && (
        <Typography variant="body2" color="error" role="alert" data-testid="tip-error">
          {errors.tip}
        </Typography>
      )}
    </Box>
  );
}

function RatingFields({ order, state }: { order: OrderView; state: RatingState }) {
  const { draft, change, errors, error } = state;
  const length = [...draft.comment.trim()].length;
  return (
    <Stack spacing={2}>
      {error && (
        <Alert severity="error" role="alert" data-testid="rating-error">
          {error}
        </Alert>
      )}
      <Stars value={draft.stars} onChange={(stars) => change({ stars })} error={errors.stars} />
      <TipChips order={order} state={state} />
      <TextField
        label="Comment (optional)"
        placeholder="What went well, or what could be better?"
        value={draft.comment}
        onChange={(e) => change({ comment: e.target.value })}
        multiline
        minRows={2}
        maxRows={5}
        error={!!errors.comment}
        helperText={errors.comment ?? `${length}/${MAX_COMMENT}`}
        slotProps={{ htmlInput: { 'aria-label': 'Comment about the delivery', 'data-testid': 'rating-comment' } }}
      />
    </Stack>
  );
}

/** How the customer rated a delivery: stars, tip, comment. */
export function RatedSummary({ order }: { order: OrderView }) {
  const rating = order.rating;
  if (!rating) return null;
  return (
    <Box data-testid="rating-done" data-rating={rating.rating} data-tip={rating.tip}>
      <Typography sx={{ fontWeight: 700 }}>
        You rated this delivery <span data-testid="rating-summary">{ratingSummary(rating)}</span>
      </Typography>
      {rating.tip > 0 && (
        <Typography variant="body2" color="text.secondary">
          {tipLabel(rating.tip)} went to {riderOf(order)}. Thank you!
        </Typography>
      )}
      {rating.comment && (
        <Typography variant="body2" color="text.secondary" sx={{ mt: 0.5, fontStyle: 'italic', overflowWrap: 'anywhere' }}>
          “{rating.comment}”
        </Typography>
      )}
    </Box>
  );
}

function SubmitButton({ state, fullWidth }: { state: RatingState; fullWidth?: boolean }) {
  return (
    <Button type="submit" variant="contained" size="large" disabled={state.busy} fullWidth={fullWidth} sx={{ minHeight: 48 }} data-testid="rating-submit">
      {state.submitLabel}
    </Button>
  );
}

/** On the tracking page of a delivered order: the form until rated, then how it was rated. */
export function RateDeliveryCard({ order, onRated }: { order: OrderView; onRated: (order: OrderView) => void }) {
  const state = useRating(order, onRated);
  if (order.status !== 'delivered') return null;
  if (!canRate(order)) {
    return (
      <Card data-testid="rate-delivery" data-state="rated">
        <CardContent>
          <RatedSummary order={order} />
        </CardContent>
      </Card>
    );
  }
  return (
    <Card data-testid="rate-delivery" data-state="open" sx={{ borderColor: 'warning.main' }}>
      <CardContent>
        <Typography variant="h6" component="h2" sx={{ fontWeight: 700 }}>
          Rate your delivery
        </Typography>
        <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
          {order.partner ? `${order.partner.name} delivered your order.` : 'Your order was delivered.'} Your rating helps us send the best riders.
        </Typography>
        <form onSubmit={(e) => void state.submit(e)} noValidate aria-label="Rate your delivery">
          <Stack spacing={2}>
            <RatingFields order={order} state={state} />
            <SubmitButton state={state} />
          </Stack>
        </form>
      </CardContent>
    </Card>
  );
}

/** From the orders list: the same form in a dialog (full-screen on a phone). */
export function RateDeliveryDialog({
  order,
  onClose,
  onRated,
}: {
  order: OrderView;
  onClose: () => void;
  onRated: (order: OrderView) => void;
}) {
  const phone = usePhone();
  const state = useRating(order, onRated);
  const titleId = useId();
  return (
    <Dialog
      open
      onClose={state.busy ? undefined : onClose}
      fullScreen={phone}
      fullWidth
      maxWidth="sm"
      aria-labelledby={titleId}
      data-testid="rate-dialog"
    >
      <DialogTitle id={titleId} sx={{ pr: 7 }}>
        Rate order {order.orderNumber}
        <IconButton onClick={onClose} disabled={state.busy} aria-label="Close" sx={{ position: 'absolute', right: 8, top: 8, width: 44, height: 44 }}>
          <CloseIcon />
        </IconButton>
      </DialogTitle>
      {/* A form that takes no box of its own: the content scrolls, the buttons stay at the bottom. */}
      <Box
        component="form"
        noValidate
        aria-label={`Rate order ${order.orderNumber}`}
        onSubmit={(e: FormEvent) => void state.submit(e).then((ok) => ok && onClose())}
        sx={{ display: 'contents' }}
      >
        <DialogContent dividers>
          <RatingFields order={order} state={state} />
        </DialogContent>
        <DialogActions sx={{ p: 2, pb: phone ? 'calc(16px + env(safe-area-inset-bottom))' : 2, gap: 1, flexWrap: 'wrap' }}>
          <Button onClick={onClose} disabled={state.busy} sx={{ minHeight: 48 }} data-testid="rating-cancel">
            Not now
          </Button>
          <SubmitButton state={state} />
        </DialogActions>
      </Box>
    </Dialog>
  );
}

/** The orders list's line for a delivered order: "Rate delivery", or how it was rated. */
export function OrderRatingAction({ order, onRate }: { order: OrderView; onRate: () => void }): ReactNode {
  if (order.status !== 'delivered') return null;
  if (order.rating) {
    return (
      <Typography variant="body2" sx={{ mr: 'auto', fontWeight: 600 }} data-testid="order-rating" data-rating={order.rating.rating}>
        Rated {ratingSummary(order.rating)}
      </Typography>
    );
  }
  return (
    <Button
      variant="contained"
      color="secondary"
      sx={{ minHeight: 44, mr: 'auto' }}
      startIcon={<StarIcon />}
      onClick={onRate}
      aria-label={`Rate the delivery of order ${order.orderNumber}`}
      data-testid="rate-order"
    >
      Rate delivery
    </Button>
  );
}
