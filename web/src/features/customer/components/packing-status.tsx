/**
 * On the customer's order page, for stores that pick and pack: "Packing your order" while
 * the store picks, "Packed" until the rider takes it, and, on the receipt, what the store
 * did with lines it ran short of (refunded, substituted, or waiting for an answer).
 */
import { Alert, AlertTitle, Box, Stack, Typography } from '@mui/material';
import { lineOutcome, packingWords } from '@/lib/fulfilment';
import type { OrderView } from '@/types/models';

export function PackingStatus({ order }: { order: OrderView }) {
  const words = packingWords(order);
  if (!words) return null;
  return (
    <Alert
      severity={order.fulfilment === 'packed' ? 'success' : 'info'}
      role="status"
      aria-live="polite"
      data-testid="packing-status"
      data-fulfilment={order.fulfilment ?? ''}
    >
      <AlertTitle sx={{ fontWeight: 700 }}>{words.title}</AlertTitle>
      {words.detail}
    </Alert>
  );
}

/** The lines the store changed, in words (nothing when every line was picked in full). */
export function PickOutcomes({ order }: { order: OrderView }) {
  const outcomes = order.items
    .map((item) => ({ item, outcome: lineOutcome(item) }))
    .filter((x): x is { item: (typeof order.items)[number]; outcome: NonNullable<ReturnType<typeof lineOutcome>> } => x.outcome !== null);
  if (!outcomes.length) return null;
  return (
    <Box sx={{ mt: 1, mb: 1 }} data-testid="pick-outcomes">
      <Typography variant="subtitle2" component="h3" sx={{ mb: 0.5 }}>
        Changes by the store
      </Typography>
      <Stack spacing={0.5}>
        {outcomes.map(({ item, outcome }) => (
          <Typography
            key={item.lineId}
            variant="body2"
            sx={{ color: outcome.tone === 'warning' ? 'warning.dark' : 'text.primary', overflowWrap: 'anywhere' }}
            data-testid="pick-outcome"
            data-line-id={item.lineId}
            data-state={item.pick?.state ?? ''}
          >
            {outcome.text}
          </Typography>
        ))}
      </Stack>
    </Box>
  );
}
