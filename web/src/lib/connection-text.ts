/**
 * What to tell people when the live connection is down: the screen may be out of date.
 * Short blips (a reconnect after a password change, a first connect) say nothing.
 */
import type { ConnectionState } from '@/lib/socket';

/** How long a reconnect may take before the banner shows. */
export const RECONNECT_GRACE_MS = 2000;
/** How long a first connect may take before the banner shows. */
export const CONNECT_GRACE_MS = 6000;

export function staleNotice(state: ConnectionState, msInState: number, browserOnline: boolean): string | null {
  // Signed out, or closed for too many tabs (that has its own banner with "Reconnect").
  if (state === 'idle' || state === 'closed') return null;
  // The device lost its network: at once, before the socket notices (its ping can take half a minute).
  if (!browserOnline) return 'You are offline. What you see may be out of date: it updates again once you are back online.';
  if (state === 'connected') return null;
  if (state === 'reconnecting' && msInState >= RECONNECT_GRACE_MS) {
    return 'Live updates are interrupted, so what you see may be out of date. Reconnecting…';
  }
  if (state === 'connecting' && msInState >= CONNECT_GRACE_MS) {
    return 'Cannot reach the live server yet, so what you see may be out of date. Still trying…';
  }
  return null;
}
