import { describe, expect, it } from 'vitest';
import { CONNECT_GRACE_MS, RECONNECT_GRACE_MS, staleNotice } from '@/lib/connection-text';

describe('stale view notice', () => {
  it('warns once a reconnect takes more than a blip', () => {
    expect(staleNotice('reconnecting', 500, true)).toBeNull();
    expect(staleNotice('reconnecting', RECONNECT_GRACE_MS, true)).toMatch(/may be out of date/);
  });

  it('warns at once when the browser is offline, even before the socket notices', () => {
    expect(staleNotice('connected', 0, false)).toMatch(/You are offline/);
    expect(staleNotice('reconnecting', 0, false)).toMatch(/You are offline.*out of date/);
    expect(staleNotice('connecting', 0, false)).toMatch(/You are offline/);
  });

  it('gives a first connect longer', () => {
    expect(staleNotice('connecting', CONNECT_GRACE_MS - 1, true)).toBeNull();
    expect(staleNotice('connecting', CONNECT_GRACE_MS, true)).toMatch(/out of date/);
  });

  it('says nothing when live, signed out, or closed for too many tabs (its own banner)', () => {
    for (const state of ['idle', 'closed'] as const) expect(staleNotice(state, 60_000, false)).toBeNull();
    expect(staleNotice('connected', 60_000, true)).toBeNull();
  });
});
