/**
 * Authentication state: the token (kept in localStorage), the signed-in user, login,
 * registration, password change and logout. It also opens the realtime connection while
 * signed in.
 *
 * A session the server ends (expired, revoked, blocked) only clears the token and the
 * user: what a user keeps in this browser (the cart, per user in localStorage) is still
 * there when they sign in again. The user's own password change replaces the token (every
 * older one is revoked): requests and the socket refused meanwhile retry with the new one.
 */
import { createContext, startTransition, useCallback, useContext, useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { apiClient, configureApiClient, takeEarlyData } from '@/lib/api-client';
import { afterFirstContent } from '@/lib/first-content';
import type {
  AuthResponse,
  ChangePasswordRequest,
  LoginRequest,
  RegisterRequest,
  UserResponse,
  UserView,
} from '@/types/models';

const TOKEN_KEY = 'qc.token';

/**
 * The realtime client (and socket.io with it) is loaded once a session exists, not with
 * the sign-in page: it is only needed signed in.
 */
type RealtimeClient = (typeof import('@/lib/socket'))['realtime'];
let realtimeModule: Promise<typeof import('@/lib/socket')> | null = null;
function loadRealtime(): Promise<typeof import('@/lib/socket')> {
  realtimeModule ??= import('@/lib/socket');
  return realtimeModule;
}
/** Act on the realtime client when it was loaded (when it was not, there is nothing to close). */
function withRealtime(fn: (client: RealtimeClient) => void): Promise<void> {
  return realtimeModule ? realtimeModule.then((m) => fn(m.realtime)).catch(() => undefined) : Promise.resolve();
}

export type Role = 'customer' | 'delivery' | 'admin' | 'picker';
export type AuthStatus = 'loading' | 'authenticated' | 'anonymous';

export interface AuthContextValue {
  status: AuthStatus;
  user: UserView | null;
  token: string | null;
  /** Why the last session ended without a logout (expired, revoked, blocked). */
  endedReason: string | null;
  login: (body: LoginRequest) => Promise<UserView>;
  register: (body: RegisterRequest) => Promise<UserView>;
  /** Change the password; this session continues with the fresh token, every other one ends. */
  changePassword: (body: ChangePasswordRequest) => Promise<void>;
  logout: () => Promise<void>;
  setUser: (user: UserView) => void;
}

const AuthContext = createContext<AuthContextValue | null>(null);

function readToken(): string | null {
  try {
    return localStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

function writeToken(token: string | null): void {
  try {
    if (token) localStorage.setItem(TOKEN_KEY, token);
    else localStorage.removeItem(TOKEN_KEY);
  } catch {
    // Private mode: the session lasts as long as the tab.
  }
}

/** What the sign-in page says after the server ended the session. */
export const ENDED_MESSAGES: Record<string, string> = {
  token_expired: 'Your session has expired. Please sign in again.',
  token_revoked:
    'You were signed out because your password was changed or you signed out on another device. Please sign in again.',
  signed_out: 'You were signed out on every device. Please sign in again.',
  account_blocked: 'This account has been blocked. Please contact support if you think this is a mistake.',
  invalid_token: 'Your session is no longer valid. Please sign in again.',
  missing_token: 'Please sign in.',
};

/** The landing page of each role. */
export function homeOf(role: string | undefined | null): string {
  switch (role) {
    case 'delivery':
      return '/partner';
    case 'admin':
      return '/admin';
    case 'picker':
      return '/picker';
    default:
      return '/';
  }
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const [token, setToken] = useState<string | null>(readToken);
  // The session check the boot script made, when its answer is in: signed in at once.
  const [early] = useState(() => takeEarlyData<UserResponse>('/api/auth/me', undefined, token));
  const [user, setUser] = useState<UserView | null>(early?.user ?? null);
  const [status, setStatus] = useState<AuthStatus>(() => (!token ? 'anonymous' : early ? 'authenticated' : 'loading'));
  const [endedReason, setEndedReason] = useState<string | null>(null);
  const tokenRef = useRef(token);
  tokenRef.current = token;
  /** The password change in flight, if any (it replaces the token). */
  const refreshing = useRef<Promise<unknown> | null>(null);

  const endSession = useCallback((code: string | null) => {
    writeToken(null);
    tokenRef.current = null;
    void withRealtime((r) => r.disconnect());
    setToken(null);
    setUser(null);
    setStatus('anonymous');
    setEndedReason(code ? (ENDED_MESSAGES[code] ?? 'Please sign in again.') : null);
  }, []);

  // Before any effect of the pages (a layout effect): signed in from the first render,
  // they ask for their data in their own first effects.
  useLayoutEffect(() => {
    configureApiClient({
      getToken: () => tokenRef.current,
      onSessionEnded: endSession,
      pendingRefresh: () => refreshing.current,
    });
  }, [endSession]);

  // Validate a stored token once at start (the answer the boot script asked for before
  // the app loaded is used when there is one: see vite.config.ts and api-client.ts).
  useEffect(() => {
    const stored = tokenRef.current;
    if (!stored || user) return;
    let cancelled = false;
    apiClient
      .get<UserResponse>('/api/auth/me')
      .then((res) => {
        if (!cancelled) {
          // The signed-in app's first render is long: in slices (a transition), not one task.
          startTransition(() => {
            setUser(res.user);
            setStatus('authenticated');
          });
        }
      })
      .catch(() => {
        if (!cancelled && tokenRef.current === stored) endSession(null);
      });
    return () => {
      cancelled = true;
    };
    // Only on first mount: later tokens come with their user.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  // The realtime connection follows the session. A customer's opens once the page's first
  // content is on screen (the catalog's products, the tracked order): it catches up on
  // what it missed, and the first screen does not share the network and the CPU with it.
  const role = user?.role;
  useEffect(() => {
    if (status !== 'authenticated') return;
    let live = true;
    const after = role === 'customer' ? afterFirstContent() : undefined;
    void loadRealtime().then(({ realtime }) => {
      if (live) realtime.connect({ getToken: () => tokenRef.current, onSessionEnded: endSession, after });
    });
    return () => {
      live = false;
      void withRealtime((r) => r.disconnect());
    };
  }, [status, role, endSession]);

  const accept = useCallback((res: AuthResponse) => {
    writeToken(res.token);
    tokenRef.current = res.token;
    setToken(res.token);
    setUser(res.user);
    setEndedReason(null);
    setStatus('authenticated');
    return res.user;
  }, []);

  const changePassword = useCallback(
    async (body: ChangePasswordRequest) => {
      // Settles only once the new token is stored: whoever waits on it (a request or the
      // socket refused meanwhile) then finds the new token and retries with it.
      const pending = (async () => {
        accept(await apiClient.put<AuthResponse>('/api/auth/password', body, { replacesToken: true }));
      })();
      refreshing.current = pending;
      try {
        await pending;
        // The server closes this tab's socket too (`session:ended` token_revoked): it
        // reconnects with the new token instead of signing out (see lib/socket.ts).
        await withRealtime((r) => r.reconnect());
      } finally {
        if (refreshing.current === pending) refreshing.current = null;
      }
    },
    [accept],
  );

  const login = useCallback(
    async (body: LoginRequest) => accept(await apiClient.post<AuthResponse>('/api/auth/login', body)),
    [accept],
  );
  const register = useCallback(
    async (body: RegisterRequest) => accept(await apiClient.post<AuthResponse>('/api/auth/register', body)),
    [accept],
  );
  const logout = useCallback(async () => {
    // Closed first, so the server's `session:ended` (signed_out) for this very tab is not
    // taken for a sign-out elsewhere.
    await withRealtime((r) => r.disconnect());
    try {
      await apiClient.post('/api/auth/logout');
    } catch {
      // Signing out locally is what matters.
    }
    endSession(null);
  }, [endSession]);

  const value = useMemo<AuthContextValue>(
    () => ({ status, user, token, endedReason, login, register, changePassword, logout, setUser }),
    [status, user, token, endedReason, login, register, changePassword, logout],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthContextValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error('useAuth must be used inside <AuthProvider>');
  return value;
}
