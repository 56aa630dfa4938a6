/** The delivery partner's side: offers, live orders, active deliveries, earnings. */
import { Route, Routes, useLocation } from 'react-router';
import { AppShell } from '@/components/app-shell';
import { NotFound } from '@/components/not-found';
import { DashboardPage } from '@/features/delivery/components/dashboard-page';
import { EarningsPage } from '@/features/delivery/components/earnings-page';
import { HistoryPage } from '@/features/delivery/components/history-page';
import { AwayFromOrders } from '@/features/delivery/components/away-from-orders';
import { useRatedToast } from '@/features/ratings/use-rated-toast';

const NAV = [
  { to: '/partner', label: 'Orders', end: true },
  { to: '/partner/earnings', label: 'Earnings' },
  { to: '/partner/history', label: 'History' },
];

export default function DeliveryApp() {
  const { pathname } = useLocation();
  // "Rated 5★ · ₹20 tip" when a customer rates a delivery, wherever the partner is.
  useRatedToast();
  const onOrders = pathname.replace(/\/+$/, '') === '/partner';
  return (
    <AppShell title="Delivery partner" nav={NAV} maxWidth="md">
      {/* The orders page shows offers itself; elsewhere a banner says one is waiting. */}
      {!onOrders && <AwayFromOrders />}
      <Routes>
        <Route index element={<DashboardPage />} />
        <Route path="earnings" element={<EarningsPage />} />
        <Route path="history" element={<HistoryPage />} />
        <Route path="*" element={<NotFound home="/partner" homeLabel="Go to your deliveries" />} />
      </Routes>
    </AppShell>
  );
}
