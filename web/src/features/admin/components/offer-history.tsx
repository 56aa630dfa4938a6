/** Who an order was offered to (auto dispatch), in order: round, rider, and how it ended. */
import { Chip, Stack, Typography } from '@mui/material';
import { useNow } from '@/hooks/use-now';
import { formatTime } from '@/lib/format';
import { declineReasonLabel } from '@/lib/decline-reasons';
import { codeWords } from '@/lib/order-status';
import type { OfferHistoryView } from '@/types/admin';

const STATE: Record<string, { label: string; color: 'default' | 'success' | 'warning' | 'error' | 'info' }> = {
  live: { label: 'Offered now', color: 'info' },
  accepted: { label: 'Accepted', color: 'success' },
  declined: { label: 'Declined', color: 'warning' },
  expired: { label: 'No answer', color: 'error' },
  withdrawn: { label: 'Withdrawn', color: 'default' },
};

export function offerStateLabel(state: string): string {
  return STATE[state]?.label ?? codeWords(state);
}

export function OfferHistory({ offers }: { offers: OfferHistoryView[] }) {
  const now = useNow(1000);
  const sorted = [...offers].sort((a, b) => a.round - b.round || a.offeredAt.localeCompare(b.offeredAt));
  return (
    <Stack spacing={0.75} data-testid="offer-history">
      <Typography variant="subtitle1" component="h3">
        Dispatch offers
      </Typography>
      {sorted.map((o) => {
        const s = STATE[o.state] ?? { label: codeWords(o.state), color: 'default' as const };
        const left = o.state === 'live' ? Math.max(0, Math.ceil((Date.parse(o.expiresAt) - now) / 1000)) : null;
        const reason = declineReasonLabel(o.reason);
        return (
          <Stack
            key={o.id}
            direction="row"
            sx={{ gap: 1, alignItems: 'center', flexWrap: 'wrap' }}
            data-testid="offer-history-row"
            data-state={o.state}
            data-partner-id={o.partnerId}
            data-round={o.round}
          >
            <Typography variant="caption" color="text.secondary" sx={{ minWidth: 70 }}>
              #{o.round} {formatTime(o.offeredAt)}
            </Typography>
            <Typography variant="body2" sx={{ fontWeight: 600 }}>
              {o.partnerName}
            </Typography>
            <Chip size="small" color={s.color} label={left != null ? `${s.label} · ${left} s` : s.label} />
            {reason && (
              <Typography variant="body2" color="text.secondary">
                “{reason}”
              </Typography>
            )}
            {o.answeredAt && (
              <Typography variant="caption" color="text.secondary">
                after {Math.max(0, Math.round((Date.parse(o.answeredAt) - Date.parse(o.offeredAt)) / 1000))} s
              </Typography>
            )}
          </Stack>
        );
      })}
    </Stack>
  );
}
