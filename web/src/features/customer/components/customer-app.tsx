/** The customer's side: delivery location, catalog of its store, cart, checkout, orders and live tracking. */
import { lazy, Suspense, useState } from 'react';
import { Route, Routes } from 'react-router';
import { Badge, IconButton, Tooltip } from '@mui/material';
import { AppShell } from '@/components/app-shell';
import { CartIcon } from '@/components/icons';
import { EmptyState } from '@/components/page-state';
import { NotificationPrompt } from '@/components/notification-prompt';
import { useAuth } from '@/lib/auth';
import { CartProvider, useCart } from '@/features/customer/hooks/use-cart';
import { DeliveryLocationProvider, useDeliveryLocation } from '@/features/customer/hooks/use-delivery-location';
import { useOrderNotifications } from '@/features/customer/hooks/use-order-notifications';
import { CartDrawer } from '@/features/customer/components/cart-drawer';
import { CatalogPage } from '@/features/customer/components/catalog-page';
import { CheckoutPage } from '@/features/customer/components/checkout-page';
import { OrdersPage } from '@/features/customer/components/orders-page';
import { TrackingPage } from '@/features/customer/components/tracking-page';
import { ProductPage } from '@/features/customer/components/product-page';
import { LocationBar } from '@/features/customer/components/location-bar';
import { StoreChangeNotice } from '@/features/customer/components/store-change-notice';

const LocationSheet = lazy(() => import('@/features/customer/components/location-sheet'));

/** The location sheet, loaded the first time it is opened and kept after (for its closing). */
function LazyLocationSheet() {
  const { sheetOpen } = useDeliveryLocation();
  const [wanted, setWanted] = useState(false);
  if (sheetOpen && !wanted) setWanted(true);
  return wanted ? (
    <Suspense fallback={null}>
      <LocationSheet />
    </Suspense>
  ) : null;
}

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
    <AppShell title="Shop" nav={NAV} actions={<CartButton />} subbar={<LocationBar />}>
      <NotificationPrompt message="Get a notification each time your order moves." />
      <StoreChangeNotice />
      <Routes>
        <Route index element={<CatalogPage />} />
        <Route path="product/:productId" element={<ProductPage />} />
        <Route path="checkout" element={<CheckoutPage />} />
        <Route path="orders" element={<OrdersPage />} />
        <Route path="orders/:orderId" element={<TrackingPage />} />
        <Route path="*" element={<EmptyState title="Page not found" hint="That page does not exist." />} />
      </Routes>
      <CartDrawer />
      <LazyLocationSheet />
    </AppShell>
  );
}

export default function CustomerApp() {
  const { user } = useAuth();
  return (
    <DeliveryLocationProvider key={user?.id ?? 'anon'}>
      <CartProvider>
        <CustomerShell />
      </CartProvider>
    </DeliveryLocationProvider>
  );
}
