import { afterEach, describe, expect, it } from 'vitest';
import { takeEarlyData, takeEarlyResponse, type EarlyRequest } from '@/lib/api-client';

const win = globalThis as unknown as { window?: { __qcEarly?: Record<string, EarlyRequest> } };

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

  it('are matched by their query string too, written as the client writes it', () => {
    const response = Promise.resolve(new Response('{}'));
    const key = '/api/customer/products?sort=popular&storeId=s1&page=1&limit=24';
    win.window = { __qcEarly: { [key]: { token: 't1', response } } };
    expect(takeEarlyResponse('GET', '/api/customer/products', { sort: 'popular', storeId: 's2', page: 1, limit: 24 }, 't1')).toBeNull();
    expect(takeEarlyResponse('GET', '/api/customer/products', { search: undefined, inStock: undefined, sort: 'popular', storeId: 's1', page: 1, limit: 24 }, 't1')).toBe(
      response,
    );
    expect(win.window.__qcEarly).toEqual({});
  });

  it('give their JSON once it was read, once, for the same token', () => {
    const response = Promise.resolve(new Response('{}'));
    win.window = { __qcEarly: { '/api/customer/addresses': { token: 't1', response } } };
    // Not read yet: nothing to show, and the answer stays for the request that follows.
    expect(takeEarlyData('/api/customer/addresses', undefined, 't1')).toBeUndefined();
    win.window.__qcEarly!['/api/customer/addresses'].data = { success: true, addresses: [] };
    expect(takeEarlyData('/api/customer/addresses', undefined, 't2')).toBeUndefined();
    expect(takeEarlyData('/api/customer/addresses', undefined, 't1')).toEqual({ success: true, addresses: [] });
    expect(takeEarlyData('/api/customer/addresses', undefined, 't1')).toBeUndefined();
    expect(takeEarlyResponse('GET', '/api/customer/addresses', undefined, 't1')).toBeNull();
  });

  it('does nothing where there is no page (tests, workers)', () => {
    expect(takeEarlyResponse('GET', '/api/auth/me', undefined, 't1')).toBeNull();
    expect(takeEarlyData('/api/auth/me', undefined, 't1')).toBeUndefined();
  });
});
