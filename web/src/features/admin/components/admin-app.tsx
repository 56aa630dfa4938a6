/** The admin's side: live dashboard, stores, dispatch, orders, partners, users, catalog, integrations. */
import { Route, Routes } from 'react-router';
import { AppShell } from '@/components/app-shell';
import { NotFound } from '@/components/not-found';
import { DashboardPage } from '@/features/admin/components/dashboard-page';
import { OrdersPage } from '@/features/admin/components/orders-page';
import { DispatchPage } from '@/features/admin/components/dispatch-page';
import { PartnersPage } from '@/features/admin/components/partners-page';
import { UsersPage } from '@/features/admin/components/users-page';
import { CatalogPage } from '@/features/admin/components/catalog-page';
import { StoresPage } from '@/features/admin/components/stores-page';
import { FulfilmentPage } from '@/features/admin/components/fulfilment-page';
import { StaffPage } from '@/features/admin/components/staff-page';
import { IntegrationsPage, WebhookDisabledNotice } from '@/features/admin/components/integrations-page';
import { AdminStoresProvider } from '@/features/admin/hooks/use-admin-stores';

const NAV = [
  { to: '/admin', label: 'Dashboard', end: true },
  { to: '/admin/stores', label: 'Stores' },
  { to: '/admin/dispatch', label: 'Dispatch' },
  { to: '/admin/fulfilment', label: 'Fulfilment' },
  { to: '/admin/orders', label: 'Orders' },
  { to: '/admin/partners', label: 'Partners' },
  { to: '/admin/users', label: 'Users' },
  { to: '/admin/staff', label: 'Staff' },
  { to: '/admin/catalog', label: 'Catalog' },
  { to: '/admin/integrations', label: 'Integrations' },
];

export default function AdminApp() {
  return (
    <AdminStoresProvider>
      <AppShell title="Admin" nav={NAV} maxWidth="xl">
        <WebhookDisabledNotice />
        <Routes>
          <Route index element={<DashboardPage />} />
          <Route path="stores" element={<StoresPage />} />
          <Route path="dispatch" element={<DispatchPage />} />
          <Route path="fulfilment" element={<FulfilmentPage />} />
          <Route path="orders" element={<OrdersPage />} />
          <Route path="partners" element={<PartnersPage />} />
          <Route path="users" element={<UsersPage />} />
          <Route path="staff" element={<StaffPage />} />
          <Route path="catalog" element={<CatalogPage />} />
          <Route path="integrations" element={<IntegrationsPage />} />
          <Route path="*" element={<NotFound home="/admin" homeLabel="Go to the admin dashboard" />} />
        </Routes>
      </AppShell>
    </AdminStoresProvider>
  );
}
