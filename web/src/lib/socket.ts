/**
 * The one Socket.io client. Nothing else calls `io()`.
 *
 * - Authenticates every (re)connection with the *current* token (`auth` is a function).
 * - Reconnects on its own. When the server ends the session (`session:ended`, then a
 *   server-side disconnect: token expired or revoked, account blocked, signed out
 *   everywhere) the session ends here too, unless the token was replaced meanwhile (the
 *   user's own password change): then it reconnects at once with the new one.
 * - `too_many_sockets` closes only this tab's connection: it stays closed (state
 *   `closed`) until the user asks to reconnect, so tabs do not keep evicting each other.
 * - Tells the server which store's catalog is on screen (`catalog:watch`), again after
 *   every reconnect, so only that store's `inventory:updated` events arrive.
 * - Keeps the last `seq` of every tracked order; a live event that is a duplicate is
 *   dropped, one after a gap (or any reconnect) triggers a fetch of the missed events
 *   (`GET /api/customer/orders/{id}/events?after=N`), applied in order, once.
 */
import { startTransition } from 'react';
import type { Socket } from 'socket.io-client';
import { config } from '@/config/env';
import { ApiError, apiClient, SESSION_ENDED_CODES, sessionReallyEnded } from '@/lib/api-client';
import {
  classifySeq,
  fromSocketEvent,
  fromTimelineEvent,
  planResync,
  type OrderUpdate,
} from '@/lib/order-sync';
import type {
  AcceptedSuccessEvent,
  CodeLockedEvent,
  CodeResetEvent,
  EventsResponse,
  InventoryUpdatedEvent,
  LocationEvent,
  FleetPositionsEvent,
  OrderAcceptedEvent,
  OrderCancelledEvent,
  OrderCompletedEvent,
  OrderCreatedEvent,
  OrderEventView,
  OrderRatedEvent,
  OrderTakenEvent,
  SessionEndedEvent,
  StatusUpdatedEvent,
  OrderOfferEvent,
  OfferExpiredEvent,
  AutoPausedEvent,
} from '@/types/models';
import type {
  DispatchUpdatedEvent,
  OrderUnassignedEvent,
  PresenceUpdatedEvent,
  StatsUpdatedEvent,
} from '@/types/admin';
import type { FulfilmentUpdatedEvent, OrderFulfilmentEvent, SubstitutionProposedEvent } from '@/types/fulfilment';
import type { WebhookDisabledEvent } from '@/types/integrations';

/** Server → client events and their payloads (docs/WEBSOCKET.md). */
export interface ServerEvents {
  'order:created': OrderCreatedEvent;
  'order:accepted': OrderAcceptedEvent;
  'order:accepted-success': AcceptedSuccessEvent;
  /** An admin gave the order to this partner. */
  'order:assigned': AcceptedSuccessEvent;
  /** An admin took the order back from this partner. */
  'order:unassigned': OrderUnassignedEvent;
  'order:taken': OrderTakenEvent;
  'order:status-updated': StatusUpdatedEvent;
  'order:completed': OrderCompletedEvent;
  'order:cancelled': OrderCancelledEvent;
  /** Too many wrong delivery codes: support will send the customer a new one. */
  'order:code-locked': CodeLockedEvent;
  /** A new delivery code (the customer's copy carries it). */
  'order:code-reset': CodeResetEvent;
  /** The server is about to close this socket, and why. */
  'session:ended': SessionEndedEvent;
  'delivery:location': LocationEvent;
  'inventory:updated': InventoryUpdatedEvent;
  'stats:updated': StatsUpdatedEvent;
  /** Auto dispatch: this partner alone is offered the order until `expiresAt`. */
  'order:offer': OrderOfferEvent;
  /** This partner's offer ended without their accept (`expired` or `withdrawn`). */
  'order:offer-expired': OfferExpiredEvent;
  /** Offers left to expire in a row turned this partner's availability off. */
  'partner:auto-paused': AutoPausedEvent;
  /** Admins: a step of an order's dispatch (offered, declined, expired, accepted, withdrawn, escalated). */
  'dispatch:updated': DispatchUpdatedEvent;
  /** Admins: nobody took the offers, so the order is broadcast to the store's partners. */
  'dispatch:escalated': DispatchUpdatedEvent;
  /** Admins: riders' latest positions (delivering with `orderId`, or waiting), at most once a second. */
  'fleet:positions': FleetPositionsEvent;
  'presence:updated': PresenceUpdatedEvent;
  /** Pickers of the store and admins: an order joined, was claimed in, or left the pick queue. */
  'fulfilment:updated': FulfilmentUpdatedEvent;
  /** The customer, the assigned rider and admins: what picking did to the order (lines, totals, bags). */
  'order:fulfilment-updated': OrderFulfilmentEvent;
  /** The customer and admins: a dearer substitute waits for the customer's yes until `expiresAt`. */
  'order:substitution-proposed': SubstitutionProposedEvent;
  /** The order's rider and admins: the customer rated the delivery (stars, tip in paise, comment). */
  'order:rated': OrderRatedEvent;
  /** Admins: an endpoint whose every delivery failed for 3 days was switched off. */
  'webhook:disabled': WebhookDisabledEvent;
}
export type ServerEventName = keyof ServerEvents;

/** `closed`: the server closed this tab's connection (`too_many_sockets`); it waits for `reconnect()`. */
export type ConnectionState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'closed';

type Handler<T> = (payload: T) => void;
type FetchMissed = (orderId: string, after: number) => Promise<OrderEventView[]>;

interface TrackedOrder {
  lastSeq: number;
  listeners: Set<(updates: OrderUpdate[]) => void>;
  fetchMissed: FetchMissed;
  syncing: boolean;
  again: boolean;
}

/** Events that change an order and carry its `seq`: applied through the seq tracker. */
const ORDER_EVENTS = new Set([
  'order:accepted',
  'order:status-updated',
  'order:completed',
  'order:cancelled',
  'order:code-locked',
  'order:code-reset',
]);

/** `session:ended` codes after which the token is no good (the others close one socket only). */
const TOKEN_ENDED_CODES = new Set(['token_expired', 'token_revoked', 'account_blocked', 'signed_out']);

const fetchCustomerEvents: FetchMissed = async (orderId, after) => {
  const res = await apiClient.get<EventsResponse>(
    `/api/customer/orders/${encodeURIComponent(orderId)}/events`,
    { query: { after } },
  );
  return res.events;
};

/** socket.io, fetched once, the first time a connection is opened. */
let socketIo: Promise<typeof import('socket.io-client')> | null = null;
function loadSocketIo(): Promise<typeof import('socket.io-client')> {
  socketIo ??= import('socket.io-client');
  socketIo.catch(() => {
    socketIo = null;
  });
  return socketIo;
}

type Ack<T> = { success: true; data: T } | { success: false; error: { code: string; message: string; details?: unknown } };

class RealtimeClient {
  private socket: Socket | null = null;
  private getToken: () => string | null = () => null;
  private onSessionEnded: (code: string) => void = () => undefined;
  private readonly handlers = new Map<string, Set<Handler<unknown>>>();
  private readonly tracked = new Map<string, TrackedOrder>();
  private readonly stateListeners = new Set<(state: ConnectionState) => void>();
  private readonly reconnectListeners = new Set<() => void>();
  private connectedBefore = false;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private retries = 0;
  private state: ConnectionState = 'idle';
  /** The token the current (or last) handshake was made with. */
  private handshakeToken: string | null = null;
  /** The store whose stock changes this connection asks for (`catalog:watch`). */
  private watchedStore: string | null = null;
  /** The code of the last `session:ended`, until the disconnect that follows it. */
  private endedCode: string | null = null;

  /** Bumped by `disconnect()`: a socket.io that arrives after it opens nothing. */
  private generation = 0;
  private opening = false;

  /**
   * Open the connection (idempotent). socket.io itself is loaded here, the first time,
   * not with the page: the first screen does not wait for it.
   */
  connect(options: {
    getToken: () => string | null;
    onSessionEnded: (code: string) => void;
    /** Open only once this settles (the page's first content is on screen): "connecting" meanwhile. */
    after?: Promise<unknown>;
  }): void {
    this.getToken = options.getToken;
    this.onSessionEnded = options.onSessionEnded;
    if (this.socket || this.opening) return;
    this.opening = true;
    const generation = this.generation;
    this.setState('connecting');
    (options.after ?? Promise.resolve()).then(loadSocketIo, loadSocketIo).then(
      ({ io }) => {
        if (generation !== this.generation) return;
        this.opening = false;
        this.open(io);
      },
      () => {
        if (generation !== this.generation) return;
        // The chunk could not be fetched (offline): try again in a moment.
        this.opening = false;
        this.setState('reconnecting');
        this.retryTimer = setTimeout(() => {
          this.retryTimer = null;
          if (generation === this.generation) this.connect(options);
        }, 3000);
      },
    );
  }

  private open(io: (typeof import('socket.io-client'))['io']): void {
    const opts = {
      auth: (cb: (data: object) => void) => {
        this.handshakeToken = this.getToken();
        cb({ token: this.handshakeToken ?? '' });
      },
      reconnectionDelay: 500,
      reconnectionDelayMax: 5000,
      timeout: 10000,
      // A WebSocket at once (one connection; the long-polling handshake and upgrade cost a
      // few requests and a busy moment for the page), long-polling where it cannot open.
      transports: ['websocket', 'polling'],
      tryAllTransports: true,
    };
    const socket = config.socketUrl ? io(config.socketUrl, opts) : io(opts);
    this.socket = socket;

    socket.on('connect', () => {
      this.retries = 0;
      this.setState('connected');
      // Rooms do not outlive a connection: say again which store is on screen.
      if (this.watchedStore) this.emit('catalog:watch', { storeId: this.watchedStore });
      if (this.connectedBefore) {
        // Whatever happened while we were away: catch up every tracked order.
        for (const orderId of this.tracked.keys()) void this.resync(orderId);
        for (const listener of this.reconnectListeners) listener();
      }
      this.connectedBefore = true;
    });
    socket.on('session:ended', (payload: unknown) => {
      const code = (payload as { code?: unknown } | null)?.code;
      this.endedCode = typeof code === 'string' ? code : null;
    });
    socket.on('disconnect', (reason) => {
      const ended = this.endedCode;
      this.endedCode = null;
      if (reason === 'io server disconnect' && ended === 'too_many_sockets') {
        // Reconnecting on our own would close another tab's socket in turn: wait for the user.
        this.setState('closed');
        return;
      }
      this.setState('reconnecting');
      if (reason !== 'io server disconnect') return;
      if (ended && TOKEN_ENDED_CODES.has(ended)) void this.endOrRetry(ended);
      else this.scheduleRetry();
    });
    socket.on('connect_error', (err: Error) => {
      const code = err.message.split(':')[0]?.trim() ?? '';
      if (SESSION_ENDED_CODES.has(code)) {
        void this.endOrRetry(code);
        return;
      }
      this.setState('reconnecting');
      // A refusal by the server's middleware is not retried by socket.io itself.
      if (!socket.active) this.scheduleRetry();
    });
    socket.onAny((event: string, payload: unknown) => this.receive(event, payload));
  }

  /** Close the connection and forget everything (logout). */
  disconnect(): void {
    this.generation += 1;
    this.opening = false;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.socket?.removeAllListeners();
    this.socket?.disconnect();
    this.socket = null;
    this.connectedBefore = false;
    this.endedCode = null;
    this.handshakeToken = null;
    this.watchedStore = null;
    this.tracked.clear();
    this.setState('idle');
  }

  /** Connect again now (after `closed`, or to skip a retry's wait). */
  reconnect(): void {
    const socket = this.socket;
    if (!socket || socket.connected) return;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.retries = 0;
    this.setState('connecting');
    socket.connect();
  }

  get connectionState(): ConnectionState {
    return this.state;
  }

  onStateChange(listener: (state: ConnectionState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  /** Called after every successful reconnect (lists should refetch). */
  onReconnect(listener: () => void): () => void {
    this.reconnectListeners.add(listener);
    return () => this.reconnectListeners.delete(listener);
  }

  on<E extends ServerEventName>(event: E, handler: Handler<ServerEvents[E]>): () => void {
    let set = this.handlers.get(event);
    if (!set) {
      set = new Set();
      this.handlers.set(event, set);
    }
    set.add(handler as Handler<unknown>);
    return () => set.delete(handler as Handler<unknown>);
  }

  /** Emit with an acknowledgement; resolves with `data`, rejects with an `ApiError`. */
  async request<T>(event: string, payload: unknown, timeoutMs = 8000): Promise<T> {
    const socket = this.socket;
    if (!socket || !socket.connected) {
      throw new ApiError(0, 'offline', 'Not connected to the live server. Retrying…');
    }
    let ack: Ack<T>;
    try {
      ack = (await socket.timeout(timeoutMs).emitWithAck(event, payload)) as Ack<T>;
    } catch {
      throw new ApiError(0, 'timeout', 'The server did not answer in time.');
    }
    if (ack && ack.success) return ack.data;
    const error = ack && !ack.success ? ack.error : { code: 'invalid_ack', message: 'Unexpected answer.' };
    throw new ApiError(0, error.code, error.message, error.details);
  }

  /**
   * Hear the stock changes of this store only (null: none is on screen). Sent now when
   * connected, and after every (re)connect.
   */
  watchCatalog(storeId: string | null): void {
    if (storeId === this.watchedStore) return;
    this.watchedStore = storeId;
    if (storeId) this.emit('catalog:watch', { storeId });
  }

  /** Fire-and-forget emit with an acknowledgement handler that never throws. */
  emit(event: string, payload: unknown, onAck?: (ack: Ack<unknown>) => void): void {
    const socket = this.socket;
    if (!socket || !socket.connected) return;
    socket.timeout(5000).emit(event, payload, (err: unknown, ack: Ack<unknown>) => {
      if (!err && onAck) onAck(ack);
    });
  }

  /**
   * Follow one order from `lastSeq`: `listener` receives its updates in seq order, each
   * once, from live events and from catch-up fetches.
   */
  trackOrder(
    orderId: string,
    lastSeq: number,
    listener: (updates: OrderUpdate[]) => void,
    fetchMissed: FetchMissed = fetchCustomerEvents,
  ): () => void {
    let entry = this.tracked.get(orderId);
    if (!entry) {
      entry = { lastSeq, listeners: new Set(), fetchMissed, syncing: false, again: false };
      this.tracked.set(orderId, entry);
    } else if (lastSeq > entry.lastSeq) {
      entry.lastSeq = lastSeq;
    }
    entry.listeners.add(listener);
    const tracked = entry;
    return () => {
      tracked.listeners.delete(listener);
      if (tracked.listeners.size === 0 && this.tracked.get(orderId) === tracked) {
        this.tracked.delete(orderId);
      }
    };
  }

  /** Fetch and apply whatever a tracked order missed. */
  async resync(orderId: string): Promise<void> {
    const entry = this.tracked.get(orderId);
    if (!entry) return;
    if (entry.syncing) {
      entry.again = true;
      return;
    }
    entry.syncing = true;
    try {
      do {
        entry.again = false;
        const events = await entry.fetchMissed(orderId, entry.lastSeq);
        const plan = planResync(entry.lastSeq, events.map(fromTimelineEvent));
        entry.lastSeq = plan.lastSeq;
        if (plan.apply.length) for (const listener of entry.listeners) listener(plan.apply);
      } while (entry.again);
    } catch {
      // Try again at the next reconnect or gap.
    } finally {
      entry.syncing = false;
    }
  }

  /** Handle one incoming server event (public so tests can feed events in). */
  receive(event: string, payload: unknown): void {
    // What live events change is rendered as a transition: in slices, never one long
    // task in the way of a tap. Handlers still run now, in order.
    startTransition(() => {
      for (const handler of this.handlers.get(event) ?? []) {
        try {
          handler(payload);
        } catch (err) {
          console.error(`handler of ${event} failed`, err);
        }
      }
      if (ORDER_EVENTS.has(event)) this.routeOrderEvent(event, payload);
    });
  }

  private routeOrderEvent(event: string, payload: unknown): void {
    const update = fromSocketEvent(event, payload);
    if (!update) return;
    const entry = this.tracked.get(update.orderId);
    if (!entry) return;
    if (entry.syncing) {
      entry.again = true;
      return;
    }
    switch (classifySeq(entry.lastSeq, update.seq)) {
      case 'duplicate':
        return;
      case 'next':
        entry.lastSeq = update.seq;
        for (const listener of entry.listeners) listener([update]);
        return;
      case 'gap':
        void this.resync(update.orderId);
    }
  }

  /**
   * The server refused or closed this connection's session: end the app's session, or —
   * when the token was replaced meanwhile (own password change) — reconnect with the new one.
   */
  private async endOrRetry(code: string): Promise<void> {
    const socket = this.socket;
    if (!socket) return;
    if (await sessionReallyEnded(this.handshakeToken)) {
      if (this.socket === socket) this.onSessionEnded(code);
      return;
    }
    if (this.socket === socket && !socket.connected) socket.connect();
  }

  private scheduleRetry(): void {
    if (this.retryTimer || !this.socket) return;
    const delay = Math.min(10000, 1000 * 2 ** Math.min(this.retries, 4));
    this.retries += 1;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.socket && !this.socket.connected && this.getToken()) this.socket.connect();
    }, delay);
  }

  private setState(state: ConnectionState): void {
    if (state === this.state) return;
    this.state = state;
    for (const listener of this.stateListeners) listener(state);
  }
}

export const realtime = new RealtimeClient();
export type { RealtimeClient };
