/** The customer's side: delivery location, catalog of its store, cart, checkout, orders and live tracking. */
import { lazy, Suspense, useState } from 'react';
import { Route, Routes } from 'react-router';
import { Badge, IconButton } from '@mui/material';
import { AppShell } from '@/components/app-shell';
import { CartIcon } from '@/components/icons';
import { NotFound } from '@/components/not-found';
import { LoadingState } from '@/components/page-state';
import { useAuth } from '@/lib/auth';
import { CartProvider, useCart } from '@/features/customer/hooks/use-cart';
import { DeliveryLocationProvider, useDeliveryLocation } from '@/features/customer/hooks/use-delivery-location';
import { useOrderNotifications } from '@/features/customer/hooks/use-order-notifications';
import { CartDrawer } from '@/features/customer/components/cart-drawer';
import { SubstitutionPrompt } from '@/features/customer/components/substitution-prompt';
import { CatalogPage } from '@/features/customer/components/catalog-page';
import { ProductPage } from '@/features/customer/components/product-page';
import { LocationBar } from '@/features/customer/components/location-bar';
import { StoreChangeNotice } from '@/features/customer/components/store-change-notice';

const LocationSheet = lazy(() => import('@/features/customer/components/location-sheet'));
// The shop (catalog, product) loads first; the other pages when first visited.
const CheckoutPage = lazy(() => import('@/features/customer/components/checkout-page').then((m) => ({ default: m.CheckoutPage })));
const OrdersPage = lazy(() => import('@/features/customer/components/orders-page').then((m) => ({ default: m.OrdersPage })));
const TrackingPage = lazy(() => import('@/features/customer/components/tracking-page').then((m) => ({ default: m.TrackingPage })));
const ProfilePage = lazy(() => import('@/features/customer/components/profile-page').then((m) => ({ default: m.ProfilePage })));

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
  { to: '/profile', label: 'Profile' },
];

function CartButton() {
  const { count, setDrawerOpen } = useCart();
  return (
    // A plain `title`, not MUI's Tooltip: Popper.js would ship with the catalog's first load.
    <IconButton color="inherit" aria-label={`Open cart, ${count} items`} title="Cart" onClick={() => setDrawerOpen(true)} data-testid="cart-button" sx={{ width: 44, height: 44 }}>
      <Badge badgeContent={count} color="secondary" data-testid="cart-count">
        <CartIcon />
      </Badge>
    </IconButton>
  );
}

function CustomerShell() {
  useOrderNotifications();
  return (
    <AppShell title="Shop" nav={NAV} actions={<CartButton />} subbar={<LocationBar />}>
      <StoreChangeNotice />
      <Suspense fallback={<LoadingState label="Loading…" />}>
        <Routes>
          <Route index element={<CatalogPage />} />
          <Route path="product/:productId" element={<ProductPage />} />
          <Route path="checkout" element={<CheckoutPage />} />
          <Route path="orders" element={<OrdersPage />} />
          <Route path="orders/:orderId" element={<TrackingPage />} />
          <Route path="profile" element={<ProfilePage />} />
          <Route path="*" element={<NotFound home="/" homeLabel="Back to the shop" />} />
        </Routes>
      </Suspense>
      <CartDrawer />
      {/* A dearer substitute the store proposes: approve or refund, on any page. */}
      <SubstitutionPrompt />
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
