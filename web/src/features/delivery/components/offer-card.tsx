/**
 * An order offered to this partner alone (auto dispatch), with the time left to answer:
 * Accept, or Decline with a reason (it goes to the next rider at once). Like every offer
 * it names no customer and no street, only the area.
 */
import { useState } from 'react';
import { Box, Button, Card, CardContent, Chip, Collapse, LinearProgress, Stack, Typography } from '@mui/material';
import { useNow } from '@/hooks/use-now';
import { formatMoney } from '@/lib/format';
import { offerSummary } from '@/features/delivery/utils/partner-orders';
import { DECLINE_REASONS } from '@/lib/decline-reasons';
import { secondsLeft, timeLeftFraction, type LiveOffer } from '@/features/delivery/utils/dispatch';

export function OfferCard({
  offer,
  busy,
  onAccept,
  onDecline,
}: {
  offer: LiveOffer;
  /** What is being sent: for this offer (`accept`, `decline`), or for another one (`other`). */
  busy: 'accept' | 'decline' | 'other' | null;
  onAccept: (offer: LiveOffer) => void;
  onDecline: (offer: LiveOffer, reason: string) => void;
}) {
  const now = useNow(250);
  const [choosing, setChoosing] = useState(false);
  const { order } = offer;
  const summary = offerSummary(order);
  const left = secondsLeft(offer.expiresAt, now);
  const total = Math.max(1, Math.round((Date.parse(offer.expiresAt) - offer.receivedAt) / 1000));
  const fraction = timeLeftFraction(offer.expiresAt, now, total);
  const urgent = left <= 5;
  return (
    <Card
      variant="outlined"
      sx={{ borderColor: urgent ? 'error.main' : 'warning.main', borderWidth: 2 }}
      data-testid="offer-card"
      data-order-id={order.id}
      data-round={offer.round}
      aria-label={`Order ${order.orderNumber} offered to you`}
      role="region"
    >
      <LinearProgress
        variant="determinate"
        value={fraction * 100}
        color={urgent ? 'error' : 'warning'}
        aria-label="Time left to answer"
        sx={{ height: 6 }}
      />
      <CardContent>
        <Stack direction="row" sx={{ justifyContent: 'space-between', alignItems: 'flex-start', gap: 1 }}>
          <div>
            <Typography variant="overline" color="warning.dark" sx={{ lineHeight: 1.2 }}>
              Offered to you{offer.round > 1 ? ` · offer ${offer.round}` : ''}
            </Typography>
            <Typography sx={{ fontWeight: 700 }}>{order.orderNumber}</Typography>
            <Typography variant="body2" data-testid="offer-pickup">
              {summary.pickup}
            </Typography>
            <Typography variant="body2" data-testid="offer-dropoff">
              {summary.dropoff}
            </Typography>
            <Typography variant="body2" color="text.secondary">
              {summary.items}
              {summary.minutes ? ` · ${summary.minutes}` : ''}
            </Typography>
          </div>
          <Stack sx={{ alignItems: 'flex-end', gap: 0.5, flexShrink: 0 }}>
            <Chip color="success" label={`Earn ${formatMoney(order.estimatedPayout)}`} size="small" />
            <Typography
              variant="h5"
              component="p"
              sx={{ fontWeight: 800, fontVariantNumeric: 'tabular-nums' }}
              color={urgent ? 'error' : 'text.primary'}
              data-testid="offer-countdown"
              data-seconds={left}
              aria-live="off"
              aria-label={`${left} seconds left to answer`}
            >
              {left} s
            </Typography>
          </Stack>
        </Stack>
        <Stack direction="row" sx={{ gap: 1, mt: 1.5 }}>
          <Button
            fullWidth
            variant="contained"
            size="large"
            disabled={busy !== null || left === 0}
            onClick={() => onAccept(offer)}
            aria-label={`Accept order ${order.orderNumber}`}
            data-testid="offer-accept"
          >
            {busy === 'accept' ? 'Accepting…' : 'Accept'}
          </Button>
          <Button
            variant="outlined"
            color="inherit"
            size="large"
            disabled={busy !== null || left === 0}
            onClick={() => setChoosing((c) => !c)}
            aria-expanded={choosing}
            aria-label={`Decline order ${order.orderNumber}`}
            data-testid="offer-decline"
            sx={{ minWidth: 110 }}
          >
            {busy === 'decline' ? 'Declining…' : 'Decline'}
          </Button>
        </Stack>
        <Collapse in={choosing} unmountOnExit>
          <Box sx={{ mt: 1.5 }} data-testid="decline-reasons" role="group" aria-label="Why are you declining?">
            <Typography variant="body2" sx={{ mb: 1 }}>
              Why? It goes to the next rider at once.
            </Typography>
            <Stack direction="row" sx={{ gap: 1, flexWrap: 'wrap' }}>
              {DECLINE_REASONS.map((r) => (
                <Chip
                  key={r.code}
                  label={r.label}
                  onClick={() => {
                    setChoosing(false);
                    onDecline(offer, r.code);
                  }}
                  disabled={busy !== null}
                  variant="outlined"
                  clickable
                  sx={{ height: 44, borderRadius: 22 }}
                  data-testid="decline-reason"
                  data-reason={r.code}
                />
              ))}
            </Stack>
          </Box>
        </Collapse>
      </CardContent>
    </Card>
  );
}
