import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  ApiError,
  apiClient,
  busyMinutes,
  mismatchStore,
  configureApiClient,
  errorMessage,
  fieldLabel,
  inHumanTime,
  parseRetryAfter,
} from '@/lib/api-client';

const err = (code: string, message = 'server words', status = 400, details?: unknown) => new ApiError(status, code, message, details);

describe('error messages', () => {
  it('says every new refusal in words, never the code', () => {
    for (const code of [
      'partner_not_verified',
      'partner_unavailable',
      'partner_suspended',
      'implausible_location',
      'confirmation_locked',
      'token_expired',
      'token_revoked',
      'account_blocked',
      'too_many_sockets',
    ]) {
      const text = errorMessage(err(code));
      expect(text).not.toContain(code);
      expect(text).not.toBe('server words');
      expect(text).toMatch(/^[A-Z]/);
    }
    expect(errorMessage(err('partner_not_verified'))).toBe(
      'Your account is waiting for verification by our team. You can go online once it is verified.',
    );
    expect(errorMessage(err('confirmation_locked'))).toBe(
      'Too many wrong codes. Wait for support to send the customer a new code, then ask them for it.',
    );
  });

  it('says every store refusal in words, with the store and minutes from the details', () => {
    for (const code of ['not_serviceable', 'store_closed', 'store_busy', 'store_mismatch', 'store_not_found', 'invalid_zone', 'invalid_hours', 'store_code_taken', 'no_store', 'not_offered', 'offer_not_found', 'offer_expired', 'offer_withdrawn']) {
      const text = errorMessage(err(code, 'the zone is not a valid polygon'));
      expect(text).not.toContain(code);
      expect(text).toMatch(/^[A-Z]/);
    }
    expect(errorMessage(err('not_serviceable', 'x', 422))).toMatch(/don't deliver here yet/);
    expect(errorMessage(err('store_busy', 'x', 409, { promise: { minutes: 52 } }))).toMatch(/very busy.*about 52 min/);
    expect(busyMinutes(err('store_busy', 'x', 409, { promise: { minutes: 52 } }))).toBe(52);
    expect(busyMinutes(err('store_busy', 'x', 409, {}))).toBeNull();
    const mismatch = err('store_mismatch', 'x', 409, { store: { id: 's2', name: 'Andheri West', code: 'ADW' } });
    expect(errorMessage(mismatch)).toMatch(/delivered from Andheri West/);
    expect(mismatchStore(mismatch)).toEqual({ id: 's2', name: 'Andheri West', code: 'ADW' });
    expect(mismatchStore(err('store_busy'))).toBeNull();
    expect(errorMessage(err('store_closed', 'x', 409))).toMatch(/closed right now/);
    // The server's specifics, as a sentence of ours.
    expect(errorMessage(err('invalid_zone', 'the zone is not a valid polygon: exterior ring has a self-intersection'))).toBe(
      'This delivery zone cannot be used. The zone is not a valid polygon: exterior ring has a self-intersection.',
    );
    expect(errorMessage(err('invalid_hours', 'mon: "25:00"–"23:00" is not HH:MM–HH:MM'))).toMatch(/^Check the opening hours\. Mon: /);
    expect(fieldLabel('storeId')).toBe('Store');
    expect(fieldLabel('settings.maxPromiseMinutes')).toBe('Longest promise (min)');
  });

  it("keeps the server's specifics where they matter", () => {
    // Zones, not a radius: the server has no distance to tell any more, our words say it.
    const far = "We don't deliver to this address yet: it is outside the area our stores serve.";
    expect(errorMessage(err('not_serviceable', far, 422))).toBe("We don't deliver here yet: this place is outside the areas our stores serve.");
    const open = 'You already have 3 orders on their way. Place a new one when one of them is delivered or cancelled.';
    expect(errorMessage(err('too_many_open_orders', open, 429))).toBe(open);
    expect(errorMessage(err('invalid_confirmation_code', 'That code is wrong. 4 attempts left.'))).toBe('That code is wrong. 4 attempts left.');
  });

  it('spells out order statuses inside server sentences', () => {
    expect(errorMessage(err('invalid_order_state', 'Cannot reset the code of an order that is on_the_way.', 409))).toBe(
      'Cannot reset the code of an order that is on the way.',
    );
  });

  it('waits in human time, never in raw seconds', () => {
    expect(errorMessage(err('too_many_requests', 'Too many attempts. Try again in 15 minutes.', 429))).toBe(
      'Too many attempts. Try again in 15 minutes.',
    );
    // A 429 without the envelope (a proxy, the socket handshake limit).
    const bare = new ApiError(429, 'too_many_requests', 'The server answered 429.', undefined, 897);
    expect(errorMessage(bare)).toBe('Too many attempts. Please try again in 15 minutes.');
    expect(errorMessage(new ApiError(429, 'too_many_requests', 'The server answered 429.'))).toBe('Please wait a moment and try again.');
    expect(inHumanTime(1)).toBe('in a moment');
    expect(inHumanTime(40)).toBe('in 40 seconds');
    expect(inHumanTime(897)).toBe('in 15 minutes');
    expect(inHumanTime(7200)).toBe('in about 2 hours');
    expect(parseRetryAfter('897')).toBe(897);
    expect(parseRetryAfter(null)).toBeNull();
    expect(parseRetryAfter(new Date(Date.now() + 60_000).toUTCString())).toBeGreaterThan(50);
  });

  it('names fields as people do in validation errors', () => {
    const e = err('validation_error', 'deliveryAddress.zipCode: must be 6 digits; lat: must be between -90 and 90', 400, [
      { field: 'deliveryAddress.zipCode', message: 'must be 6 digits' },
      { field: 'lat', message: 'must be between -90 and 90' },
    ]);
    expect(errorMessage(e)).toBe('PIN code must be 6 digits. Latitude must be between -90 and 90.');
    expect(fieldLabel('newPassword')).toBe('New password');
    expect(fieldLabel('someNewField')).toBe('Some new field');
    expect(errorMessage(err('validation_error', 'Give both latitude and longitude, or neither.'))).toBe(
      'Give both latitude and longitude, or neither.',
    );
  });

  it('has words for a server in trouble', () => {
    expect(errorMessage(new ApiError(502, 'http_error', 'The server answered 502.'))).not.toMatch(/502/);
  });
});

describe('session refusals', () => {
  afterEach(() => vi.unstubAllGlobals());

  const envelope = (status: number, code: string) =>
    new Response(JSON.stringify({ success: false, error: { code, message: 'refused' } }), { status });
  const ok = (body: unknown) => new Response(JSON.stringify(body), { status: 200 });

  it('retries once with the new token when its own password change replaced the old one', async () => {
    let token = 'old';
    let finish: () => void = () => undefined;
    const refresh = new Promise<void>((resolve) => (finish = resolve));
    const ended = vi.fn();
    configureApiClient({ getToken: () => token, onSessionEnded: ended, pendingRefresh: () => refresh });
    const seen: string[] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (_url: string, init: RequestInit) => {
        const auth = (init.headers as Record<string, string>).Authorization;
        seen.push(auth);
        return auth === 'Bearer old' ? envelope(401, 'token_revoked') : ok({ success: true, orders: [] });
      }),
    );
    const pending = apiClient.get<{ orders: unknown[] }>('/api/customer/orders');
    await new Promise((r) => setTimeout(r, 10));
    token = 'new';
    finish();
    await expect(pending).resolves.toEqual({ success: true, orders: [] });
    expect(seen).toEqual(['Bearer old', 'Bearer new']);
    expect(ended).not.toHaveBeenCalled();
  });

  it('ends the session when the current token itself is refused', async () => {
    const ended = vi.fn();
    configureApiClient({ getToken: () => 'tok', onSessionEnded: ended });
    vi.stubGlobal('fetch', vi.fn(async () => envelope(401, 'token_expired')));
    await expect(apiClient.get('/api/auth/me')).rejects.toMatchObject({ code: 'token_expired' });
    expect(ended).toHaveBeenCalledWith('token_expired');
  });

  it('asks a read again after Retry-After when the server sheds it, never a write', async () => {
    vi.useFakeTimers();
    try {
      configureApiClient({ getToken: () => 'tok', onSessionEnded: () => undefined });
      const busy = () => {
        const r = envelope(503, 'overloaded');
        r.headers.set('Retry-After', '1');
        return r;
      };
      const answers = [busy(), busy(), ok({ success: true, products: [] })];
      const fetchMock = vi.fn(async () => answers.shift()!);
      vi.stubGlobal('fetch', fetchMock);
      const read = apiClient.get('/api/customer/products');
      await vi.advanceTimersByTimeAsync(999);
      expect(fetchMock).toHaveBeenCalledTimes(1);
      await vi.advanceTimersByTimeAsync(1_001);
      await expect(read).resolves.toEqual({ success: true, products: [] });
      expect(fetchMock).toHaveBeenCalledTimes(3);
      // Three refusals in a row: the third is the caller's, in words.
      answers.push(busy(), busy(), busy());
      const again = apiClient.get('/api/customer/products').catch((e: unknown) => e);
      await vi.advanceTimersByTimeAsync(5_000);
      const e = await again;
      expect(e).toMatchObject({ code: 'overloaded' });
      expect(errorMessage(e)).toMatch(/very busy/);
      // A placement is not asked again: the customer decides.
      fetchMock.mockClear();
      answers.push(busy());
      await expect(apiClient.post('/api/customer/orders', {})).rejects.toMatchObject({ code: 'overloaded' });
      expect(fetchMock).toHaveBeenCalledTimes(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it('does not end the session for a wrong current password', async () => {
    const ended = vi.fn();
    configureApiClient({ getToken: () => 'tok', onSessionEnded: ended });
    vi.stubGlobal('fetch', vi.fn(async () => envelope(401, 'invalid_credentials')));
    await expect(apiClient.put('/api/auth/password', {}, { replacesToken: true })).rejects.toMatchObject({ code: 'invalid_credentials' });
    expect(ended).not.toHaveBeenCalled();
  });
});
