/**
 * How the socket client follows the session when the server ends it (`session:ended`,
 * then a server-side disconnect), with socket.io-client replaced by a fake.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

type Listener = (...args: unknown[]) => void;

class FakeSocket {
  connected = false;
  active = true;
  connects = 0;
  /** Events the client sent, in order. */
  readonly sent: [string, unknown][] = [];
  private readonly listeners = new Map<string, Listener[]>();
  constructor(private readonly auth: (cb: (data: object) => void) => void) {}
  on(event: string, fn: Listener) {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), fn]);
    return this;
  }
  onAny() {
    return this;
  }
  removeAllListeners() {
    this.listeners.clear();
    return this;
  }
  /** What a (re)connection does: the handshake reads the token through `auth`. */
  connect() {
    this.connects += 1;
    this.auth(() => undefined);
    return this;
  }
  disconnect() {
    this.connected = false;
    return this;
  }
  timeout() {
    return this;
  }
  emit(event: string, payload: unknown) {
    if (this.connected) this.sent.push([event, payload]);
    return this;
  }
  fire(event: string, ...args: unknown[]) {
    if (event === 'connect') this.connected = true;
    if (event === 'disconnect' || event === 'connect_error') this.connected = false;
    for (const fn of this.listeners.get(event) ?? []) fn(...args);
  }
}

const sockets: FakeSocket[] = [];
vi.mock('socket.io-client', () => ({
  io: (opts: { auth: (cb: (data: object) => void) => void }) => {
    const socket = new FakeSocket(opts.auth);
    socket.connect();
    sockets.push(socket);
    return socket;
  },
}));

const { realtime } = await import('@/lib/socket');
const { configureApiClient } = await import('@/lib/api-client');

let token: string | null = 'old';
let refresh: Promise<unknown> | null = null;
const ended = vi.fn();

/** Connect (socket.io is loaded on the first connect, so the socket comes a moment later). */
async function open(): Promise<FakeSocket> {
  const before = sockets.length;
  realtime.connect({ getToken: () => token, onSessionEnded: ended });
  expect(realtime.connectionState).toBe('connecting');
  await vi.waitFor(() => expect(sockets.length).toBe(before + 1));
  const socket = sockets[sockets.length - 1];
  socket.fire('connect');
  return socket;
}

beforeEach(() => {
  token = 'old';
  refresh = null;
  ended.mockReset();
  configureApiClient({ getToken: () => token, onSessionEnded: ended, pendingRefresh: () => refresh });
});
afterEach(() => realtime.disconnect());

describe('session ended by the server', () => {
  it('signs out when the token was revoked (logout or password change elsewhere)', async () => {
    const socket = await open();
    socket.fire('session:ended', { code: 'token_revoked', message: 'The password was changed.' });
    socket.fire('disconnect', 'io server disconnect');
    await vi.waitFor(() => expect(ended).toHaveBeenCalledWith('token_revoked'));
    expect(socket.connects).toBe(1);
  });

  it('after its own password change, reconnects with the new token instead of signing out', async () => {
    const socket = await open();
    let finish: () => void = () => undefined;
    refresh = new Promise<void>((resolve) => (finish = resolve));
    // The server closes every socket of the user before the answer with the new token arrives.
    socket.fire('session:ended', { code: 'token_revoked', message: 'The password was changed.' });
    socket.fire('disconnect', 'io server disconnect');
    await Promise.resolve();
    expect(socket.connects).toBe(1);
    token = 'new';
    finish();
    await vi.waitFor(() => expect(socket.connects).toBe(2));
    expect(ended).not.toHaveBeenCalled();
    expect(realtime.connectionState).toBe('reconnecting');
  });

  it('a handshake refused with an old token retries with the replaced one', async () => {
    const socket = await open();
    token = 'new';
    socket.fire('connect_error', new Error('token_revoked: The token was revoked.'));
    await vi.waitFor(() => expect(socket.connects).toBe(2));
    expect(ended).not.toHaveBeenCalled();
    // Refused again with the current token: that is final.
    socket.fire('connect_error', new Error('token_expired: Your session expired.'));
    await vi.waitFor(() => expect(ended).toHaveBeenCalledWith('token_expired'));
  });

  it('too many sockets: only this tab stops, and waits for the user to reconnect', async () => {
    const socket = await open();
    socket.fire('session:ended', { code: 'too_many_sockets', message: 'Signed in on too many tabs.' });
    socket.fire('disconnect', 'io server disconnect');
    expect(realtime.connectionState).toBe('closed');
    await new Promise((r) => setTimeout(r, 20));
    expect(socket.connects).toBe(1);
    expect(ended).not.toHaveBeenCalled();
    realtime.reconnect();
    expect(realtime.connectionState).toBe('connecting');
    expect(socket.connects).toBe(2);
    socket.fire('connect');
    expect(realtime.connectionState).toBe('connected');
  });

  it('a network drop is left to socket.io: no sign-out', async () => {
    const socket = await open();
    socket.fire('disconnect', 'transport close');
    expect(realtime.connectionState).toBe('reconnecting');
    expect(ended).not.toHaveBeenCalled();
  });
});

describe('the store on screen', () => {
  it('is watched now, after a store change, and again after every reconnect', async () => {
    realtime.watchCatalog('st-1');
    const socket = await open();
    expect(socket.sent).toEqual([['catalog:watch', { storeId: 'st-1' }]]);
    realtime.watchCatalog('st-1');
    realtime.watchCatalog('st-2');
    expect(socket.sent).toEqual([
      ['catalog:watch', { storeId: 'st-1' }],
      ['catalog:watch', { storeId: 'st-2' }],
    ]);
    socket.fire('disconnect', 'transport close');
    realtime.watchCatalog('st-3');
    socket.fire('connect');
    expect(socket.sent.slice(2)).toEqual([['catalog:watch', { storeId: 'st-3' }]]);
  });

  it('is forgotten at sign-out', async () => {
    realtime.watchCatalog('st-1');
    realtime.disconnect();
    const socket = await open();
    expect(socket.sent).toEqual([]);
  });
});
