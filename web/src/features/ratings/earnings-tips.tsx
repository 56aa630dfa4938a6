/**
 * The partner's earnings page: their rating and the tips customers gave (the server adds
 * tips to the payouts and totals above; this says how much of it was tips, and for which
 * deliveries). Follows `order:rated` live: the rating, the tips and the page's totals
 * (`onRated`) are fetched again.
 */
import { Box, Card, CardContent, Stack, Typography } from '@mui/material';
import { useAsync } from '@/hooks/use-async';
import { useSocketEvent } from '@/hooks/use-socket-event';
import { apiClient } from '@/lib/api-client';
import { partnerRatingText, ratingSummary, tipLabel, tipsByOrder } from '@/lib/rating';
import type { PartnerOrdersResponse, PartnerResponse } from '@/types/models';

/** The most recent deliveries looked at for tips (the server's largest page). */
const RECENT = 100;

async function loadTips(signal: AbortSignal) {
  const [profile, history] = await Promise.all([
    apiClient.get<PartnerResponse>('/api/delivery/profile', { signal }),
    apiClient.get<PartnerOrdersResponse>('/api/delivery/orders/history', { query: { page: 1, limit: RECENT }, signal }),
  ]);
  const rated = history.orders.filter((o) => o.rating);
  const tips = tipsByOrder(rated);
  return {
    partner: profile.partner,
    rated,
    tips,
    tipTotal: [...tips.values()].reduce((a, b) => a + b, 0),
  };
}

export function EarningsTips({ onRated }: { onRated?: () => void }) {
  const { data, reload } = useAsync(loadTips, []);
  useSocketEvent('order:rated', () => {
    reload();
    onRated?.();
  });
  if (!data) return null;
  const { partner, rated, tips, tipTotal } = data;
  return (
    <Card data-testid="earnings-tips" data-tips={tipTotal} data-rating={partner.rating ?? ''} data-rating-count={partner.ratingCount}>
      <CardContent>
        <Typography variant="h6" component="h2">
          Ratings and tips
        </Typography>
        <Typography sx={{ fontWeight: 700 }} data-testid="partner-rating">
          Your rating: {partnerRatingText(partner.rating, partner.ratingCount)}
        </Typography>
        <Typography variant="body2" sx={{ mt: 0.5 }} data-testid="earnings-tips-total">
          {tipTotal > 0
            ? `Tips: ${tipLabel(tipTotal)} from ${tips.size} ${tips.size === 1 ? 'delivery' : 'deliveries'}, included in your earnings above.`
            : 'No tips yet. Tips customers give are added to your earnings.'}
        </Typography>
        {rated.length > 0 && (
          <Stack sx={{ mt: 1 }}>
            {rated.slice(0, 5).map((o) => (
              <Box
                key={o.id}
                sx={{ display: 'flex', justifyContent: 'space-between', gap: 1, py: 0.75, borderBottom: 1, borderColor: 'divider' }}
                data-testid="tip-line"
                data-order-id={o.id}
              >
                <Box sx={{ minWidth: 0 }}>
                  <Typography variant="body2" sx={{ fontWeight: 600 }}>
                    {o.orderNumber}
                  </Typography>
                  {o.rating?.comment && (
                    <Typography variant="caption" color="text.secondary" sx={{ display: 'block', overflowWrap: 'anywhere' }}>
                      “{o.rating.comment}”
                    </Typography>
                  )}
                </Box>
                <Typography variant="body2" sx={{ fontWeight: 700, whiteSpace: 'nowrap' }}>
                  {o.rating ? ratingSummary(o.rating) : ''}
                </Typography>
              </Box>
            ))}
          </Stack>
        )}
      </CardContent>
    </Card>
  );
}
