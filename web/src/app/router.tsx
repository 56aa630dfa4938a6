/** Top-level routes: each role's pages are a separate lazily loaded chunk. */
import { lazy, Suspense } from 'react';
import { Route, Routes, useLocation } from 'react-router';
import { RedirectIfSignedIn, RequireRole } from '@/components/protected-route';
import { LoadingState } from '@/components/page-state';
import { ErrorBoundary } from '@/components/error-boundary';

const LoginPage = lazy(() => import('@/features/auth/components/login-page'));
const RegisterPage = lazy(() => import('@/features/auth/components/register-page'));
const CustomerApp = lazy(() => import('@/features/customer/components/customer-app'));
const DeliveryApp = lazy(() => import('@/features/delivery/components/delivery-app'));
const AdminApp = lazy(() => import('@/features/admin/components/admin-app'));

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
            path="/admin/*"
            element={
              <RequireRole roles={['admin']}>
                <AdminApp />
              </RequireRole>
            }
          />
          <Route
            path="/*"
            element={
              <RequireRole roles={['customer']}>
                <CustomerApp />
              </RequireRole>
            }
          />
        </Routes>
      </Suspense>
    </ErrorBoundary>
  );
}
