import { useRef, useState } from 'react';
import { Link as RouterLink } from 'react-router';
import { Box, Card, CardContent, Chip, Link, List, ListItem, ListItemText, Stack, Typography } from '@mui/material';
import { BarChart } from '@/components/charts/bar-chart';
import { Sparkline } from '@/components/charts/sparkline';
import { ErrorState, LoadingState } from '@/components/page-state';
import { useSocketEvent } from '@/hooks/use-socket-event';
import { formatDuration, formatMoney, formatTime } from '@/lib/format';
import { adminApi } from '@/features/admin/api/admin-api';
import { activityText, type ActivityEvent } from '@/features/admin/utils/activity';
import { partnerCountsText } from '@/features/admin/utils/partner-state';
import { useLiveStats } from '@/features/admin/hooks/use-live-stats';
import { STATUS_BARS } from '@/features/admin/utils/admin-orders';
import { StatCard } from '@/features/admin/components/stat-card';
import { StoreFilter } from '@/features/admin/components/store-filter';
import { useAdminStores, useStoreFilter } from '@/features/admin/hooks/use-admin-stores';

interface Activity {
  key: string;
  orderId: string;
  event: ActivityEvent;
  at: number;
}

/** Live order events, newest first, each naming its order (the number is looked up once when an event has only the id). */
function useActivityFeed(): { feed: Activity[]; numbers: Record<string, string> } {
  const [feed, setFeed] = useState<Activity[]>([]);
  const [numbers, setNumbers] = useState<Record<string, string>>({});
  const asked = useRef(new Set<string>());
  const learn = (orderId: string, orderNumber: string) =>
    setNumbers((n) => (n[orderId] === orderNumber ? n : { ...n, [orderId]: orderNumber }));
  const lookUp = (orderId: string) => {
    if (asked.current.has(orderId)) return;
    asked.current.add(orderId);
    adminApi
      .order(orderId)
      .then((d) => learn(orderId, d.order.orderNumber))
      .catch(() => asked.current.delete(orderId));
  };
  const push = (key: string, orderId: string, event: ActivityEvent) => {
    lookUp(orderId);
    setFeed((f) => (f.some((a) => a.key === key) ? f : [{ key, orderId, event, at: Date.now() }, ...f].slice(0, 12)));
  };
  useSocketEvent('order:created', ({ order }) => {
    asked.current.add(order.id);
    learn(order.id, order.orderNumber);
    push(`${order.id}:created:${order.createdAt}`, order.id, { kind: 'created', itemCount: order.itemCount, payout: order.estimatedPayout });
  });
  useSocketEvent('order:accepted', (e) => push(`${e.orderId}:${e.seq}`, e.orderId, { kind: 'accepted', partnerName: e.partnerName }));
  useSocketEvent('order:status-updated', (e) => push(`${e.orderId}:${e.seq}`, e.orderId, { kind: 'status', status: e.status }));
  useSocketEvent('order:cancelled', (e) => push(`${e.orderId}:${e.seq}`, e.orderId, { kind: 'cancelled', by: e.by, reason: e.reason }));
  useSocketEvent('order:code-locked', (e) => push(`${e.orderId}:${e.seq}`, e.orderId, { kind: 'code-locked' }));
  useSocketEvent('order:code-reset', (e) => push(`${e.orderId}:${e.seq}`, e.orderId, { kind: 'code-reset' }));
  return { feed, numbers };
}

export function DashboardPage() {
  const [storeId, setStoreId] = useStoreFilter();
  const { byId } = useAdminStores();
  const { stats, online, error, history, updatedAt, reload } = useLiveStats(storeId);
  const { feed, numbers } = useActivityFeed();
  const store = byId(storeId);

  const header = (
    <Stack direction="row" sx={{ alignItems: 'center', gap: 1, flexWrap: 'wrap' }}>
      <Typography variant="h5" component="h1" sx={{ fontWeight: 700, flexGrow: 1 }}>
        Operations today{store ? ` · ${store.name}` : ''}
      </Typography>
      <Typography variant="caption" color="text.secondary" data-testid="stats-updated-at">
        Live · updated {updatedAt ? formatTime(new Date(updatedAt).toISOString()) : '—'}
      </Typography>
      <StoreFilter value={storeId} onChange={setStoreId} testId="dashboard-store-filter" />
    </Stack>
  );
  if (!stats && error !== null) return <Stack spacing={2}>{header}<ErrorState error={error} onRetry={reload} /></Stack>;
  if (!stats) return <Stack spacing={2}>{header}<LoadingState label="Loading live stats…" /></Stack>;
  const o = stats.ordersToday;
  const onTime = stats.onTimeRateToday;
  return (
    <Stack spacing={2} data-testid="admin-dashboard" data-store-id={storeId}>
      {header}
      <Box sx={{ display: 'grid', gap: 1.5, gridTemplateColumns: { xs: '1fr 1fr', md: 'repeat(4, 1fr)' } }}>
        <StatCard
          label="Orders today"
          value={o.total}
          testId="stat-orders-total"
          sub={`${o.pending} waiting · ${o.accepted + o.picked_up + o.on_the_way} in progress`}
          chart={<Sparkline values={history.orders} label="Orders today, recent samples" />}
        />
        <StatCard label="Delivered" value={o.delivered} testId="stat-orders-delivered" sub={`${o.cancelled} cancelled`} />
        <StatCard label="Revenue today" value={formatMoney(stats.revenueToday)} testId="stat-revenue" sub="Delivered orders" />
        <StatCard
          label="Delivery time"
          value={formatDuration(stats.averageDeliverySeconds)}
          testId="stat-avg-delivery"
          sub={`p90 ${formatDuration(stats.p90DeliverySeconds)}`}
        />
        <StatCard
          label="Late now"
          value={
            <Box component="span" sx={{ color: stats.lateOrders > 0 ? 'error.main' : undefined }}>
              {stats.lateOrders}
            </Box>
          }
          testId="stat-late"
          sub="Open orders past their promised time"
        />
        <StatCard
          label="At risk"
          value={
            <Box component="span" sx={{ color: stats.atRiskOrders > 0 ? 'warning.main' : undefined }}>
              {stats.atRiskOrders}
            </Box>
          }
          testId="stat-at-risk"
          sub="Open orders within 5 min of their promise"
        />
        <StatCard
          label="On time today"
          value={
            <Box component="span" sx={{ color: onTime == null ? undefined : onTime >= 0.9 ? 'success.main' : onTime >= 0.75 ? 'warning.main' : 'error.main' }}>
              {onTime == null ? '—' : `${Math.round(onTime * 100)}%`}
            </Box>
          }
          testId="stat-on-time"
          sub={onTime == null ? 'Nothing delivered yet today' : 'Delivered by the promised time'}
        />
        <StatCard
          label="Partners online"
          value={`${stats.partners.online}/${stats.partners.total}`}
          testId="stat-partners-online"
          sub={partnerCountsText(stats.partners)}
          chart={<Sparkline values={history.partners} label="Partners online, recent samples" color="#e65100" />}
        />
        <StatCard label="Customers online" value={stats.customersOnline} testId="stat-customers-online" />
        <StatCard
          label="Online users"
          value={online?.total ?? '—'}
          testId="stat-online-total"
          sub={online ? `${online.customers} customers · ${online.delivery} partners · ${online.admin} admins` : undefined}
        />
        <StatCard label="Low stock" value={stats.lowStock.length} testId="stat-low-stock" sub="Products with fewer than 5 left" />
      </Box>
      <Box sx={{ display: 'grid', gap: 2, gridTemplateColumns: { xs: '1fr', md: '3fr 2fr' } }}>
        <Card>
          <CardContent>
            <Typography variant="h6" component="h2">
              Orders today by status
            </Typography>
            <BarChart
              title="Orders today by status"
              data={STATUS_BARS.map((b) => ({ label: b.label, value: o[b.key], color: b.color }))}
              testId="orders-by-status-chart"
            />
          </CardContent>
        </Card>
        <Card>
          <CardContent>
            <Typography variant="h6" component="h2">
              Live activity
            </Typography>
            {feed.length === 0 ? (
              <Typography color="text.secondary" sx={{ py: 2 }}>
                Waiting for events…
              </Typography>
            ) : (
              <List dense data-testid="activity-feed">
                {feed.map((a) => (
                  <ListItem key={a.key} disableGutters data-order-id={a.orderId}>
                    <ListItemText primary={activityText(a.event, numbers[a.orderId])} secondary={formatTime(new Date(a.at).toISOString())} />
                  </ListItem>
                ))}
              </List>
            )}
          </CardContent>
        </Card>
      </Box>
      <Card>
        <CardContent>
          <Stack direction="row" sx={{ alignItems: 'center', mb: 1 }}>
            <Typography variant="h6" component="h2" sx={{ flexGrow: 1 }}>
              Low stock
            </Typography>
            <Link component={RouterLink} to={`/admin/catalog${storeId ? `?store=${encodeURIComponent(storeId)}` : ''}`} aria-label="Open the catalog to restock">
              Restock
            </Link>
          </Stack>
          {stats.lowStock.length === 0 ? (
            <Typography color="text.secondary">Everything is well stocked.</Typography>
          ) : (
            <Stack direction="row" sx={{ flexWrap: 'wrap', gap: 1 }} data-testid="low-stock">
              {stats.lowStock.map((p) => (
                <Chip
                  key={`${p.storeId}:${p.productId}`}
                  label={`${p.storeCode} · ${p.name}: ${p.stock}`}
                  color={p.stock === 0 ? 'error' : 'warning'}
                  variant="outlined"
                  component={RouterLink}
                  to={`/admin/catalog?store=${encodeURIComponent(p.storeId)}&q=${encodeURIComponent(p.name)}`}
                  clickable
                  data-testid="low-stock-item"
                  data-store-code={p.storeCode}
                />
              ))}
            </Stack>
          )}
        </CardContent>
      </Card>
    </Stack>
  );
}
