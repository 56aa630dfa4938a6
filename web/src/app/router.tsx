/** Top-level routes: each role's pages are a separate lazily loaded chunk. */
import { Suspense } from 'react';
import { matchRoutes, Route, Routes, useLocation } from 'react-router';
import { RedirectIfSignedIn, RequireRole } from '@/components/protected-route';
import { LoadingState } from '@/components/page-state';
import { ErrorBoundary } from '@/components/error-boundary';
import { NotFound } from '@/components/not-found';
import { homeOf, useAuth } from '@/lib/auth';
import { CUSTOMER_PATHS } from '@/features/customer/paths';
import { lazyPage } from '@/lib/lazy-page';

const LoginPage = lazyPage(() => import('@/features/auth/components/login-page'));
const RegisterPage = lazyPage(() => import('@/features/auth/components/register-page'));
const CustomerApp = lazyPage(() => import('@/features/customer/components/customer-app'));
const DeliveryApp = lazyPage(() => import('@/features/delivery/components/delivery-app'));
const AdminApp = lazyPage(() => import('@/features/admin/components/admin-app'));
const PickerApp = lazyPage(() => import('@/features/picker/components/picker-app'));
const SetPasswordPage = lazyPage(() => import('@/features/auth/components/set-password-page'));
const ForgotPasswordPage = lazyPage(() => import('@/features/auth/components/forgot-password-page'));

/**
 * Runs the code of the page opened (by the boot script's route key: see vite.config.ts),
 * which the boot script is fetching already, so the first render shows the page itself.
 */
export function preloadRoute(key: string | null | undefined): Promise<unknown> {
  switch (key) {
    case 'login':
      return LoginPage.preload();
    case 'register':
      return RegisterPage.preload();
    case 'set-password':
      return SetPasswordPage.preload();
    case 'delivery':
      return DeliveryApp.preload();
    case 'admin':
      return AdminApp.preload();
    case 'picker':
      return PickerApp.preload();
    default:
      return key?.startsWith('customer') ? CustomerApp.preload().then((m) => m.preloadPage(key)) : Promise.resolve();
  }
}

const CUSTOMER_ROUTES = CUSTOMER_PATHS.map((path) => ({ path }));

/**
 * Everything outside /login, /register, /forgot-password, /set-password, /partner, /picker
 * and /admin: the customer's pages (sign in first), or "not found" with a way to one's own
 * home. A signed-in customer gets it inside the shop's frame (the customer app's own
 * catch-all).
 */
function CustomerOrNotFound() {
  const { pathname } = useLocation();
  const { status, user } = useAuth();
  if (matchRoutes(CUSTOMER_ROUTES, pathname) || user?.role === 'customer') {
    return (
      <RequireRole roles={['customer']}>
        <CustomerApp />
      </RequireRole>
    );
  }
  if (status === 'loading') return <LoadingState label="Checking your session…" />;
  const label = !user ? 'Sign in' : user.role === 'admin' ? 'Go to the admin dashboard' : user.role === 'delivery' ? 'Go to your deliveries' : user.role === 'picker' ? 'Go to the pick queue' : 'Go home';
  return <NotFound standalone home={user ? homeOf(user.role) : '/login'} homeLabel={label} />;
}

export function AppRoutes() {
  const location = useLocation();
  return (
    <ErrorBoundary resetKey={location.pathname}>
      <Suspense fallback={<LoadingState label="Loading…" />}>
        <Routes>
          <Route
            path="/login"
            element={
              <RedirectIfSignedIn>
                <LoginPage />
              </RedirectIfSignedIn>
            }
          />
          <Route
            path="/register"
            element={
              <RedirectIfSignedIn>
                <RegisterPage />
              </RedirectIfSignedIn>
            }
          />
          <Route
            path="/partner/*"
            element={
              <RequireRole roles={['delivery']}>
                <DeliveryApp />
              </RequireRole>
            }
          />
          <Route
            path="/picker/*"
            element={
              <RequireRole roles={['picker']}>
                <PickerApp />
              </RequireRole>
            }
          />
          {/* "Forgot password?": a reset link by mail (signed-in people change it from their menu). */}
          <Route
            path="/forgot-password"
            element={
              <RedirectIfSignedIn>
                <ForgotPasswordPage />
              </RedirectIfSignedIn>
            }
          />
          {/* A one-time link (a new staff member's first password, or a reset link by mail): signed in or not. */}
          <Route path="/set-password" element={<SetPasswordPage />} />
          <Route
            path="/admin/*"
            element={
              <RequireRole roles={['admin']}>
                <AdminApp />
              </RequireRole>
            }
          />
          <Route path="/*" element={<CustomerOrNotFound />} />
        </Routes>
      </Suspense>
    </ErrorBoundary>
  );
}
