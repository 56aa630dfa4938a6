import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { homeOf, useAuth, type Role } from '@/lib/auth';
import { LoadingState } from '@/components/page-state';

/** Renders `children` only for a signed-in user of one of `roles`. */
export function RequireRole({ roles, children }: { roles: Role[]; children: ReactNode }) {
  const { status, user } = useAuth();
  const location = useLocation();
  if (status === 'loading') return <LoadingState label="Checking your session…" />;
  if (status === 'anonymous' || !user) {
    return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  }
  if (!roles.includes(user.role as Role)) return <Navigate to={homeOf(user.role)} replace />;
  return <>{children}</>;
}

/** For /login and /register: a signed-in user goes to their home page instead. */
export function RedirectIfSignedIn({ children }: { children: ReactNode }) {
  const { status, user } = useAuth();
  const location = useLocation();
  if (status === 'loading') return <LoadingState label="Checking your session…" />;
  if (user) {
    const from = (location.state as { from?: string } | null)?.from;
    const target = from && from !== '/login' && from.startsWith(homeOf(user.role)) ? from : homeOf(user.role);
    return <Navigate to={target} replace />;
  }
  return <>{children}</>;
}
