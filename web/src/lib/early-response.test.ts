import { afterEach, describe, expect, it } from 'vitest';
import { takeEarlyResponse } from '@/lib/api-client';

const win = globalThis as unknown as { window?: { __qcEarly?: Record<string, { token: string; response: Promise<Response> }> } };

describe('GETs the boot script started', () => {
  afterEach(() => delete win.window);

  it('are taken once, for the same path and token', async () => {
    const response = Promise.resolve(new Response('{"success":true}'));
    win.window = { __qcEarly: { '/api/auth/me': { token: 't1', response } } };
    expect(takeEarlyResponse('GET', '/api/auth/me', undefined, 't1')).toBe(response);
    expect(takeEarlyResponse('GET', '/api/auth/me', undefined, 't1')).toBeNull();
  });

  it('are not used for another token, a query, another method or without a session', () => {
    const response = Promise.resolve(new Response('{}'));
    win.window = { __qcEarly: { '/api/customer/addresses': { token: 't1', response } } };
    expect(takeEarlyResponse('POST', '/api/customer/addresses', undefined, 't1')).toBeNull();
    expect(takeEarlyResponse('GET', '/api/customer/addresses', { page: 2 }, 't1')).toBeNull();
    expect(takeEarlyResponse('GET', '/api/customer/addresses', undefined, null)).toBeNull();
    // Another user's token: dropped, never used.
    expect(takeEarlyResponse('GET', '/api/customer/addresses', undefined, 't2')).toBeNull();
    expect(win.window.__qcEarly).toEqual({});
  });

  it('does nothing where there is no page (tests, workers)', () => {
    expect(takeEarlyResponse('GET', '/api/auth/me', undefined, 't1')).toBeNull();
  });
});
