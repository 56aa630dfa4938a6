/** The delivery partner's side: live orders, active delivery, earnings. */
import { Route, Routes } from 'react-router';
import { AppShell } from '@/components/app-shell';
import { EmptyState } from '@/components/page-state';
import { DashboardPage } from '@/features/delivery/components/dashboard-page';
import { EarningsPage } from '@/features/delivery/components/earnings-page';
import { HistoryPage } from '@/features/delivery/components/history-page';

const NAV = [
  { to: '/partner', label: 'Orders', end: true },
  { to: '/partner/earnings', label: 'Earnings' },
  { to: '/partner/history', label: 'History' },
];

export default function DeliveryApp() {
  return (
    <AppShell title="Delivery partner" nav={NAV} maxWidth="md">
      <Routes>
        <Route index element={<DashboardPage />} />
        <Route path="earnings" element={<EarningsPage />} />
        <Route path="history" element={<HistoryPage />} />
        <Route path="*" element={<EmptyState title="Page not found" />} />
      </Routes>
    </AppShell>
  );
}
