import { Box, Card, CardContent, Stack, Typography } from '@mui/material';
import { BarChart } from '@/components/charts/bar-chart';
import { EmptyState, ErrorState, LoadingState } from '@/components/page-state';
import { useAsync } from '@/hooks/use-async';
import { formatDateTime, formatDistance, formatMoney } from '@/lib/format';
import { deliveryApi } from '@/features/delivery/api/delivery-api';
import { earningsByDay } from '@/features/delivery/utils/earnings';
import { EarningsTips } from '@/features/ratings/earnings-tips';

function Stat({ label, value, sub, testId }: { label: string; value: string; sub: string; testId: string }) {
  return (
    <Card>
      <CardContent>
        <Typography variant="overline">{label}</Typography>
        <Typography variant="h5" sx={{ fontWeight: 700 }} data-testid={testId}>
          {value}
        </Typography>
        <Typography variant="body2" color="text.secondary">
          {sub}
        </Typography>
      </CardContent>
    </Card>
  );
}

export function EarningsPage() {
  const { data, error, loading, reload } = useAsync((signal) => deliveryApi.earnings(signal).then((r) => r.earnings), []);
  if (loading && !data) return <LoadingState label="Loading earnings…" />;
  if (error !== null && !data) return <ErrorState error={error} onRetry={reload} />;
  if (!data) return null;
  const days = earningsByDay(data.orders, 7, new Date());
  return (
    <Stack spacing={2}>
      <Typography variant="h5" component="h1" sx={{ fontWeight: 700 }}>
        Earnings
      </Typography>
      <Box sx={{ display: 'grid', gap: 1.5, gridTemplateColumns: { xs: '1fr 1fr', sm: 'repeat(3, 1fr)' } }}>
        <Stat label="Today" value={formatMoney(data.today)} sub={`${data.deliveriesToday} deliveries`} testId="earnings-today" />
        <Stat label="This week" value={formatMoney(data.thisWeek)} sub={`${data.deliveriesThisWeek} deliveries`} testId="earnings-week" />
        <Stat label="All time" value={formatMoney(data.total)} sub={`${data.deliveriesTotal} deliveries`} testId="earnings-total" />
      </Box>
      {/* Tips are in the totals above (the server adds them); here, how much and from whom. */}
      <EarningsTips onRated={reload} />
      <Card>
        <CardContent>
          <Typography variant="h6" component="h2">
            Last 7 days
          </Typography>
          <BarChart
            title="Earnings per day, last 7 days"
            data={days.map((d) => ({ label: d.label, value: d.payout }))}
            formatValue={(v) => (v ? `₹${Math.round(v / 100)}` : '')}
            testId="earnings-chart"
          />
        </CardContent>
      </Card>
      <Card>
        <CardContent>
          <Typography variant="h6" component="h2" gutterBottom>
            Recent deliveries
          </Typography>
          {data.orders.length === 0 ? (
            <EmptyState title="No deliveries yet" hint="Your payouts appear here after each delivery." />
          ) : (
            data.orders.slice(0, 20).map((o) => (
              <Stack key={o.orderId} direction="row" sx={{ justifyContent: 'space-between', py: 0.75, borderBottom: 1, borderColor: 'divider' }} data-testid="earning-line">
                <Box>
                  <Typography sx={{ fontWeight: 600 }}>{o.orderNumber}</Typography>
                  <Typography variant="caption" color="text.secondary">
                    {formatDateTime(o.deliveredAt)} · {formatDistance(o.distanceMeters)}
                  </Typography>
                </Box>
                <Typography sx={{ fontWeight: 700 }}>{formatMoney(o.payout)}</Typography>
              </Stack>
            ))
          )}
        </CardContent>
      </Card>
    </Stack>
  );
}
