/** The admin's side: live dashboard, orders, partners, users, catalog. */
import { Route, Routes } from 'react-router';
import { AppShell } from '@/components/app-shell';
import { EmptyState } from '@/components/page-state';
import { DashboardPage } from '@/features/admin/components/dashboard-page';
import { OrdersPage } from '@/features/admin/components/orders-page';
import { PartnersPage } from '@/features/admin/components/partners-page';
import { UsersPage } from '@/features/admin/components/users-page';
import { CatalogPage } from '@/features/admin/components/catalog-page';

const NAV = [
  { to: '/admin', label: 'Dashboard', end: true },
  { to: '/admin/orders', label: 'Orders' },
  { to: '/admin/partners', label: 'Partners' },
  { to: '/admin/users', label: 'Users' },
  { to: '/admin/catalog', label: 'Catalog' },
];

export default function AdminApp() {
  return (
    <AppShell title="Admin" nav={NAV} maxWidth="xl">
      <Routes>
        <Route index element={<DashboardPage />} />
        <Route path="orders" element={<OrdersPage />} />
        <Route path="partners" element={<PartnersPage />} />
        <Route path="users" element={<UsersPage />} />
        <Route path="catalog" element={<CatalogPage />} />
        <Route path="*" element={<EmptyState title="Page not found" />} />
      </Routes>
    </AppShell>
  );
}
