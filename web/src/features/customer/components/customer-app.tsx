/** The customer's side: catalog, cart, checkout, orders and live tracking. */
import { Route, Routes } from 'react-router';
import { Badge, IconButton, Tooltip } from '@mui/material';
import { AppShell } from '@/components/app-shell';
import { CartIcon } from '@/components/icons';
import { EmptyState } from '@/components/page-state';
import { NotificationPrompt } from '@/components/notification-prompt';
import { useAuth } from '@/lib/auth';
import { CartProvider, useCart } from '@/features/customer/hooks/use-cart';
import { useOrderNotifications } from '@/features/customer/hooks/use-order-notifications';
import { CartDrawer } from '@/features/customer/components/cart-drawer';
import { CatalogPage } from '@/features/customer/components/catalog-page';
import { CheckoutPage } from '@/features/customer/components/checkout-page';
import { OrdersPage } from '@/features/customer/components/orders-page';
import { TrackingPage } from '@/features/customer/components/tracking-page';

const NAV = [
  { to: '/', label: 'Shop', end: true },
  { to: '/orders', label: 'Orders' },
];

function CartButton() {
  const { count, setDrawerOpen } = useCart();
  return (
    <Tooltip title="Cart">
      <IconButton color="inherit" aria-label={`Open cart, ${count} items`} onClick={() => setDrawerOpen(true)} data-testid="cart-button">
        <Badge badgeContent={count} color="secondary" data-testid="cart-count">
          <CartIcon />
        </Badge>
      </IconButton>
    </Tooltip>
  );
}

function CustomerShell() {
  useOrderNotifications();
  return (
    <AppShell title="Shop" nav={NAV} actions={<CartButton />}>
      <NotificationPrompt message="Get a notification each time your order moves." />
      <Routes>
        <Route index element={<CatalogPage />} />
        <Route path="checkout" element={<CheckoutPage />} />
        <Route path="orders" element={<OrdersPage />} />
        <Route path="orders/:orderId" element={<TrackingPage />} />
        <Route path="*" element={<EmptyState title="Page not found" hint="That page does not exist." />} />
      </Routes>
      <CartDrawer />
    </AppShell>
  );
}

export default function CustomerApp() {
  const { user } = useAuth();
  return (
    <CartProvider key={user?.id ?? 'anon'}>
      <CustomerShell />
    </CartProvider>
  );
}
