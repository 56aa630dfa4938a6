/** The delivery partner's side: offers, live orders, active deliveries, earnings. */
import { Route, Routes, useLocation } from 'react-router';
import { AppShell } from '@/components/app-shell';
import { EmptyState } from '@/components/page-state';
import { DashboardPage } from '@/features/delivery/components/dashboard-page';
import { EarningsPage } from '@/features/delivery/components/earnings-page';
import { HistoryPage } from '@/features/delivery/components/history-page';
import { AwayFromOrders } from '@/features/delivery/components/away-from-orders';

const NAV = [
  { to: '/partner', label: 'Orders', end: true },
  { to: '/partner/earnings', label: 'Earnings' },
  { to: '/partner/history', label: 'History' },
];

export default function DeliveryApp() {
  const { pathname } = useLocation();
  const onOrders = pathname.replace(/\/+$/, '') === '/partner';
  return (
    <AppShell title="Delivery partner" nav={NAV} maxWidth="md">
      {/* The orders page shows offers itself; elsewhere a banner says one is waiting. */}
      {!onOrders && <AwayFromOrders />}
      <Routes>
        <Route index element={<DashboardPage />} />
        <Route path="earnings" element={<EarningsPage />} />
        <Route path="history" element={<HistoryPage />} />
        <Route path="*" element={<EmptyState title="Page not found" />} />
      </Routes>
    </AppShell>
  );
}
