/** The customer's side: delivery location, catalog of its store, cart, checkout, orders and live tracking. */
import { lazy, Suspense, useEffect } from 'react';
import { matchPath, Route, Routes, useLocation } from 'react-router';
import { Badge, IconButton } from '@mui/material';
import { AppShell } from '@/components/app-shell';
import { CartIcon } from '@/components/icons';
import { NotFound } from '@/components/not-found';
import { LoadingState } from '@/components/page-state';
import { WhenOpened } from '@/components/when-opened';
import { Defer } from '@/components/defer';
import { useAuth } from '@/lib/auth';
import { markFirstContent } from '@/lib/first-content';
import { lazyPage } from '@/lib/lazy-page';
import { CartProvider, loadCartDrawer, useCart } from '@/features/customer/hooks/use-cart';
import { DeliveryLocationProvider, useDeliveryLocation } from '@/features/customer/hooks/use-delivery-location';
import { useOrderNotifications } from '@/features/customer/hooks/use-order-notifications';
import { SubstitutionPrompt } from '@/features/customer/components/substitution-prompt';
import { LocationBar } from '@/features/customer/components/location-bar';
import { StoreChangeNotice } from '@/features/customer/components/store-change-notice';

// The shell (top bar, location, cart button) comes with this chunk; each page is its own,
// which the boot script fetches alongside it for the page opened (see vite.config.ts).
const CatalogPage = lazyPage(() => import('@/features/customer/components/catalog-page').then((m) => ({ default: m.CatalogPage })));
const ProductPage = lazyPage(() => import('@/features/customer/components/product-page').then((m) => ({ default: m.ProductPage })));
const CheckoutPage = lazyPage(() => import('@/features/customer/components/checkout-page').then((m) => ({ default: m.CheckoutPage })));
const OrdersPage = lazyPage(() => import('@/features/customer/components/orders-page').then((m) => ({ default: m.OrdersPage })));
const TrackingPage = lazyPage(() => import('@/features/customer/components/tracking-page').then((m) => ({ default: m.TrackingPage })));
const ProfilePage = lazyPage(() => import('@/features/customer/components/profile-page').then((m) => ({ default: m.ProfilePage })));

/** Runs the code of the page opened (the boot script's route key), before the first render. */
export function preloadPage(key: string): Promise<unknown> {
  switch (key) {
    case 'customer-catalog':
      return CatalogPage.preload();
    case 'customer-product':
      return ProductPage.preload();
    case 'customer-checkout':
      return CheckoutPage.preload();
    case 'customer-orders':
      return OrdersPage.preload();
    case 'customer-tracking':
      return TrackingPage.preload();
    case 'customer-profile':
      return ProfilePage.preload();
    default:
      return Promise.resolve();
  }
}
// Not on the first screen: loaded when first opened (the cart as soon as a finger or the
// pointer goes down on its button, ahead of the click).
const LocationSheet = lazy(() => import('@/features/customer/components/location-sheet'));
const CartDrawer = lazy(() => loadCartDrawer().then((m) => ({ default: m.CartDrawer })));

function LazyLocationSheet() {
  const { sheetOpen } = useDeliveryLocation();
  return (
    <WhenOpened open={sheetOpen}>
      <LocationSheet />
    </WhenOpened>
  );
}

function LazyCartDrawer() {
  const { drawerOpen } = useCart();
  return (
    <WhenOpened open={drawerOpen}>
      <CartDrawer />
    </WhenOpened>
  );
}

const NAV = [
  { to: '/', label: 'Shop', end: true },
  { to: '/orders', label: 'Orders' },
  { to: '/profile', label: 'Profile' },
];

/** Pages that say themselves when their content is in (see lib/first-content.ts). */
const SELF_MARKING = ['/', '/orders/:orderId'];

function CartButton() {
  const { count, setDrawerOpen } = useCart();
  return (
    // A plain `title`, not MUI's Tooltip: Popper.js would ship with the catalog's first load.
    <IconButton
      color="inherit"
      aria-label={`Open cart, ${count} items`}
      title="Cart"
      onPointerDown={() => void loadCartDrawer()}
      onClick={() => setDrawerOpen(true)}
      data-testid="cart-button"
      sx={{ width: 44, height: 44 }}
    >
      <Badge badgeContent={count} color="secondary" data-testid="cart-count">
        <CartIcon />
      </Badge>
    </IconButton>
  );
}

function CustomerShell() {
  useOrderNotifications();
  const { pathname } = useLocation();
  useEffect(() => {
    // Any other page has its content with its first render.
    if (!SELF_MARKING.some((pattern) => matchPath(pattern, pathname))) markFirstContent();
  }, [pathname]);
  return (
    <AppShell title="Shop" nav={NAV} actions={<CartButton />} subbar={<LocationBar />} firstContent="pages">
      <StoreChangeNotice />
      {/* The page a moment after the shell: two shorter first tasks rather than one. */}
      <Defer>
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
      </Defer>
      <LazyCartDrawer />
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
