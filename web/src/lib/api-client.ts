/**
 * The one HTTP client. Every REST call of the app goes through `apiClient`: it adds the
 * bearer token, encodes query strings, and turns the server's error envelope
 * `{success: false, error: {code, message, details}}` into an `ApiError`.
 */
import { config } from '@/config/env';
import type { ErrorEnvelope } from '@/types/models';

export type QueryValue = string | number | boolean | null | undefined;
export type Query = Record<string, QueryValue>;

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** This request replaces the token itself (password change): a refusal of it is final. */
  replacesToken?: boolean;
}

/** An error answered by the server (or `network_error` when it could not be reached). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;
  /** Seconds to wait before trying again (`Retry-After` of a 429), when known. */
  readonly retryAfter: number | null;

  constructor(status: number, code: string, message: string, details?: unknown, retryAfter: number | null = null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
    this.retryAfter = retryAfter;
  }
}

/** Codes that mean the stored token is no longer any good. */
export const SESSION_ENDED_CODES = new Set([
  'invalid_token',
  'token_expired',
  'token_revoked',
  'account_blocked',
  'missing_token',
]);

let tokenSource: () => string | null = () => null;
let sessionEnded: (code: string) => void = () => undefined;
let pendingRefresh: () => Promise<unknown> | null = () => null;

/** Wire the client to the auth state (done once by the auth provider). */
export function configureApiClient(options: {
  getToken: () => string | null;
  onSessionEnded: (code: string) => void;
  /** A token change in flight (the user's own password change), to wait for before giving up a session. */
  pendingRefresh?: () => Promise<unknown> | null;
}): void {
  tokenSource = options.getToken;
  sessionEnded = options.onSessionEnded;
  pendingRefresh = options.pendingRefresh ?? (() => null);
}

/**
 * Whether a session refusal of `usedToken` is final: false when the token was replaced
 * meanwhile (e.g. by the user's own password change, which revokes every older token),
 * so the caller should simply try again with the current one.
 */
export async function sessionReallyEnded(usedToken: string | null): Promise<boolean> {
  const pending = pendingRefresh();
  if (pending) {
    try {
      await pending;
    } catch {
      // The change failed: the old token is all there is.
    }
  }
  const current = tokenSource();
  return !current || current === usedToken;
}

/** `Retry-After` (seconds, or an HTTP date) as seconds; null when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? null : Math.max(0, Math.round((date - now) / 1000));
}

/** "in a moment", "in 40 seconds", "in 15 minutes", "in about 2 hours" (as the server says it). */
export function inHumanTime(seconds: number): string {
  if (seconds <= 1) return 'in a moment';
  if (seconds <= 90) return `in ${Math.round(seconds)} seconds`;
  if (seconds < 5400) return `in ${Math.ceil(seconds / 60)} minutes`;
  return `in about ${Math.ceil(seconds / 3600)} hours`;
}

/** The query string of a request ("a=1&b=x", empty when none): values left out as `buildUrl` leaves them. */
export function queryString(query?: Query): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null || value === '') continue;
    params.set(key, String(value));
  }
  return params.toString();
}

export function buildUrl(path: string, query?: Query): string {
  const qs = queryString(query);
  return `${config.apiBaseUrl}${path}${qs ? `?${qs}` : ''}`;
}

declare global {
  interface Window {
    /**
     * GETs the boot script started before the app's code arrived (see vite.config.ts:
     * the session check and, for the customer, the addresses, the categories, the
     * place's serviceability and the catalog's first page, or the tracked order), by
     * path and query string as `buildUrl` writes them.
     */
    __qcEarly?: Record<string, EarlyRequest>;
    /** Settles once the boot script's GETs are answered and read (see main.tsx). */
    __qcEarlyReady?: Promise<void>;
    /** The boot script's key for the page opened (`customer-catalog`, `login`, …), or null. */
    __qcRoute?: string | null;
  }
}

/** A GET of the boot script: its answer, and the JSON of that answer once read, when it succeeded. */
export interface EarlyRequest {
  token: string;
  response: Promise<Response>;
  data?: unknown;
}

function earlyKey(path: string, query: Query | undefined): string {
  const qs = queryString(query);
  return qs ? `${path}?${qs}` : path;
}

/**
 * The boot script's request for this GET (same path, same query, same token; taken
 * once): its answer is read like any other, so refusals are handled the same way.
 */
export function takeEarlyResponse(method: string, path: string, query: Query | undefined, token: string | null): Promise<Response> | null {
  // The boot script asks the page's own origin: only when the API is there too.
  if (method !== 'GET' || !token || typeof window === 'undefined' || config.apiBaseUrl !== '') return null;
  const early = window.__qcEarly;
  if (!early) return null;
  const key = earlyKey(path, query);
  const entry = early[key];
  if (!entry) return null;
  delete early[key];
  return entry.token === token ? entry.response : null;
}

/**
 * The JSON the boot script already read for this GET (same path, query and token), taken
 * once: a page's first render shows it at once instead of asking. Only successful answers
 * are kept so; undefined when there is none (yet): then ask as usual, which takes the
 * boot script's answer if it is still coming.
 */
export function takeEarlyData<T>(path: string, query: Query | undefined, token: string | null, peek = false): T | undefined {
  if (!token || typeof window === 'undefined' || config.apiBaseUrl !== '') return undefined;
  const early = window.__qcEarly;
  const key = earlyKey(path, query);
  const entry = early?.[key];
  if (!early || !entry || entry.token !== token || entry.data === undefined) return undefined;
  if (!peek) delete early[key];
  return entry.data as T;
}

/** Whether `takeEarlyData` has an answer for this GET now (nothing is taken). */
export function hasEarlyData(path: string, query: Query | undefined, token: string | null): boolean {
  return takeEarlyData(path, query, token, true) !== undefined;
}

/** Resolves as `response` does, or rejects with an `AbortError` once `signal` aborts. */
function abortable(response: Promise<Response>, signal: AbortSignal | undefined): Promise<Response> {
  if (!signal) return response;
  if (signal.aborted) return Promise.reject(new DOMException('The request was aborted.', 'AbortError'));
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(new DOMException('The request was aborted.', 'AbortError'));
    signal.addEventListener('abort', onAbort, { once: true });
    response.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function isEnvelope(value: unknown): value is ErrorEnvelope {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { success?: unknown }).success === false &&
    typeof (value as { error?: unknown }).error === 'object'
  );
}

/** A GET answered `503 overloaded` is asked again this many times, after its `Retry-After` (at most 2 s). */
export const BUSY_RETRIES = 2;

/** Resolves after `ms`, or rejects with an `AbortError` once `signal` aborts. */
function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new DOMException('The request was aborted.', 'AbortError'));
    };
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
  });
}

async function request<T>(method: string, path: string, options: RequestOptions = {}, retried = false, busy = 0): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
  const token = tokenSource();
  if (token) headers.Authorization = `Bearer ${token}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.body);
  }

  let response: Response;
  try {
    const early = retried ? null : takeEarlyResponse(method, path, options.query, token);
    response = await (early
      ? abortable(early, options.signal)
      : fetch(buildUrl(path, options.query), {
          method,
          headers,
          body,
          signal: options.signal,
        }));
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, 'network_error', 'Cannot reach the server. Check your connection.');
  }

  let payload: unknown = null;
  const text = await response.text();
  if (text) {
    try {
      payload = JSON.parse(text);
    } catch {
      payload = null;
    }
  }

  if (!response.ok || isEnvelope(payload)) {
    const retryAfter = parseRetryAfter(response.headers.get('Retry-After'));
    const error = isEnvelope(payload)
      ? new ApiError(response.status, payload.error.code, payload.error.message, payload.error.details, retryAfter)
      : new ApiError(
          response.status,
          response.status === 429 ? 'too_many_requests' : 'http_error',
          `The server answered ${response.status}.`,
          undefined,
          retryAfter,
        );
    if (response.status === 401 && token && SESSION_ENDED_CODES.has(error.code)) {
      // Refused because the token was just replaced (own password change): try once more.
      if (!options.replacesToken && !(await sessionReallyEnded(token))) {
        if (!retried) return request<T>(method, path, options, true, busy);
      } else {
        sessionEnded(error.code);
      }
    }
    if (method === 'GET' && error.code === 'overloaded' && busy < BUSY_RETRIES) {
      // The server is shedding reads to keep orders moving: a read is safe to ask again.
      await pause(Math.min(error.retryAfter ?? 1, 2) * 1000, options.signal);
      return request<T>(method, path, options, retried, busy + 1);
    }
    throw error;
  }
  return payload as T;
}

export const apiClient = {
  get: <T>(path: string, options?: RequestOptions) => request<T>('GET', path, options),
  post: <T>(path: string, body?: unknown, options?: RequestOptions) =>
    request<T>('POST', path, { ...options, body: body ?? {} }),
  put: <T>(path: string, body?: unknown, options?: RequestOptions) =>
    request<T>('PUT', path, { ...options, body: body ?? {} }),
  delete: <T>(path: string, options?: RequestOptions) => request<T>('DELETE', path, options),
};

/**
 * What to tell people for a code, when our own words say it better than the server's
 * (which are safe to show, but written for every client). Codes not listed here show the
 * server's message: it carries the specifics (attempts left, distances, how long to wait).
 */
const HUMAN_MESSAGES: Record<string, string> = {
  network_error: 'Cannot reach the server. Check your connection.',
  offline: 'Not connected to the live server. Retrying…',
  timeout: 'The server did not answer in time. Please try again.',
  missing_token: 'Please sign in.',
  invalid_token: 'Your session is no longer valid. Please sign in again.',
  token_expired: 'Your session has expired. Please sign in again.',
  token_revoked: 'You were signed out because your password changed or you signed out everywhere. Please sign in again.',
  account_blocked: 'This account has been blocked. Please contact support.',
  signed_out: 'You signed out on another device. Please sign in again.',
  too_many_sockets: 'This tab was closed because you signed in on too many tabs or devices.',
  partner_not_verified:
    'Your account is waiting for verification by our team. You can go online once it is verified.',
  partner_suspended: 'Your partner account is suspended, so you cannot take orders. Please contact support.',
  partner_unavailable: 'You are offline. Go online to see and accept new orders.',
  implausible_location: 'One GPS reading jumped too far from the last one, so it was skipped.',
  confirmation_locked:
    'Too many wrong codes. Wait for support to send the customer a new code, then ask them for it.',
  order_already_taken: 'Another partner took this order.',
  too_many_active_orders: 'Finish an active order before taking another.',
  invalid_payload: 'Something went wrong sending that. Please try again.',
  invalid_ack: 'Something went wrong. Please try again.',
  internal_error: 'Something went wrong on our side. Please try again.',
  service_unavailable: 'The service is busy right now. Please try again in a moment.',
  overloaded: 'We are very busy right now. Please try again in a moment.',
  payload_too_large: 'That is too much to send at once.',
  not_serviceable: "We don't deliver here yet: this place is outside the areas our stores serve.",
  store_not_found: 'That store no longer exists. Please pick another one.',
  store_code_taken: 'Another store already uses this code. Choose a different one.',
  no_store: 'No store is set up yet, so nothing can be ordered. Please try again later.',
  not_offered: 'This order is being offered to another rider right now. It reaches everyone if nobody takes it.',
  offer_not_found: 'This offer is no longer yours: it expired or went to another rider.',
  offer_expired: 'This offer expired before you answered. It went to the next rider.',
  offer_withdrawn: 'This offer was withdrawn: the order was cancelled or given to a rider by our team.',
  order_not_active: 'This order is not active any more, so your location is not shared for it.',
  order_not_delivered: 'You can rate the delivery once the order is delivered.',
  already_rated: 'You already rated this delivery. Thank you!',
  invalid_link: 'This link is invalid, already used or expired. Ask for a new one.',
};

/** A store named in an error's `details` (`store_mismatch`: the store serving the address). */
function detailStore(error: ApiError): { id: string; name: string; code?: string } | null {
  const store = (error.details as { store?: { id?: unknown; name?: unknown; code?: unknown } } | null | undefined)?.store;
  return store && typeof store.id === 'string' && typeof store.name === 'string'
    ? { id: store.id, name: store.name, code: typeof store.code === 'string' ? store.code : undefined }
    : null;
}

/** The minutes a busy store would take (`store_busy`: `details.promise.minutes`). */
export function busyMinutes(error: unknown): number | null {
  if (!(error instanceof ApiError)) return null;
  const minutes = (error.details as { promise?: { minutes?: unknown } } | null | undefined)?.promise?.minutes;
  return typeof minutes === 'number' && Number.isFinite(minutes) ? minutes : null;
}

/** The store that serves the address, from a `store_mismatch` refusal. */
export function mismatchStore(error: unknown): { id: string; name: string; code?: string } | null {
  return error instanceof ApiError && error.code === 'store_mismatch' ? detailStore(error) : null;
}

/** A server sentence as the end of ours: "the zone is not valid" → "The zone is not valid." */
function sentence(text: string): string {
  const t = text.trim().replace(/[.\s]+$/, '');
  return t ? `${t.charAt(0).toUpperCase()}${t.slice(1)}.` : '';
}

/** Codes whose words depend on the error's details. */
const DETAILED_MESSAGES: Record<string, (error: ApiError) => string> = {
  store_closed: (e) =>
    `${detailStore(e)?.name ?? 'The store that delivers here'} is closed right now. You can order again when it opens.`,
  store_busy: (e) => {
    const minutes = busyMinutes(e);
    return `The store that delivers here is very busy right now${
      minutes ? `: delivery would take about ${minutes} min` : ''
    }. Please try again in a little while.`;
  },
  store_mismatch: (e) => {
    const store = detailStore(e);
    return `This address is delivered from ${store ? store.name : 'another store'}, so we checked your cart against its stock. Review the cart, then place the order again.`;
  },
  invalid_zone: (e) => `This delivery zone cannot be used. ${sentence(e.message) || 'Draw one polygon that does not cross itself.'}`,
  invalid_hours: (e) => `Check the opening hours. ${sentence(e.message) || 'Use HH:MM times and an IANA time zone.'}`,
};

const FIELD_LABELS: Record<string, string> = {
  zipCode: 'PIN code',
  lat: 'Latitude',
  lng: 'Longitude',
  addressId: 'Address',
  deliveryAddress: 'Delivery address',
  paymentMethod: 'Payment method',
  newPassword: 'New password',
  currentPassword: 'Current password',
  mrp: 'MRP',
  minPrice: 'Minimum price',
  maxPrice: 'Maximum price',
  confirmationCode: 'Delivery code',
  partnerId: 'Partner',
  storeId: 'Store',
  zipCodes: 'PIN codes',
  maxPromiseMinutes: 'Longest promise (min)',
  pickBaseMinutes: 'Picking time (min)',
  pickPerItemSeconds: 'Picking time per item (s)',
  pickCapacity: 'Orders picked at once',
  riderCycleMinutes: 'Rider round trip (min)',
  travelBufferMinutes: 'Travel buffer (min)',
  offerTimeoutSecs: 'Time to answer an offer (s)',
  maxOfferRounds: 'Offers before broadcasting',
  reason: 'Reason',
  rating: 'Rating',
  tip: 'Tip',
  comment: 'Comment',
};

/** A field key of the server ("deliveryAddress.zipCode") as people call it ("PIN code"). */
export function fieldLabel(field: string): string {
  const last = field.split('.').pop() ?? field;
  const known = FIELD_LABELS[last];
  if (known) return known;
  const words = last.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * Status codes inside a server sentence as words: `invalid_order_state` says "Cannot
 * reset the code of an order that is on_the_way." → "… that is on the way."
 */
export function humanizeStatuses(text: string): string {
  return text.replace(/\b(picked_up|on_the_way)\b/g, (code) => code.replace(/_/g, ' '));
}

/** "zipCode: must be 6 digits; lat: …" (the server's summary) with the keys in words. */
function summaryInWords(summary: string): string | null {
  const parts = summary.split(/;\s*/).map((p) => /^([A-Za-z_][\w.[\]]*):\s*(.+)$/.exec(p.trim()));
  if (!parts.length || parts.some((m) => !m)) return null;
  return `${parts.map((m) => `${fieldLabel(m![1])} ${m![2].replace(/[.\s]+$/, '')}`).join('. ')}.`;
}

function validationMessage(error: ApiError): string {
  if (!Array.isArray(error.details) || error.details.length === 0) {
    return (error.message && (summaryInWords(error.message) ?? error.message)) || 'Please check the form and try again.';
  }
  const parts = (error.details as { field?: string; message?: string }[])
    .filter((d) => d && d.message)
    .map((d) => (d.field ? `${fieldLabel(d.field)} ${d.message}` : String(d.message)));
  return parts.length ? `${parts.join('. ')}.` : 'Please check the form and try again.';
}

/** "Try again in 897 seconds" → "Try again in 15 minutes": waits as people say them. */
export function humanizeWaits(text: string): string {
  return text.replace(/\bin (\d+) ?(?:seconds|secs?|s)\b/gi, (_, n: string) => inHumanTime(Number(n)));
}

function tooManyRequestsMessage(error: ApiError): string {
  // The server words it already ("Too many attempts. Try again in 15 minutes."); a wait
  // given in seconds ("in 897 seconds") is said as people say it.
  if (error.message && !/^The server answered/.test(error.message)) return humanizeWaits(error.message);
  return error.retryAfter && error.retryAfter > 1
    ? `Too many attempts. Please try again ${inHumanTime(error.retryAfter)}.`
    : 'Please wait a moment and try again.';
}

/** A message fit to show for any thrown value: never a raw code or field key. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.code === 'validation_error') return validationMessage(error);
    if (error.code === 'too_many_requests') return tooManyRequestsMessage(error);
    const human = HUMAN_MESSAGES[error.code];
    if (human) return human;
    const detailed = DETAILED_MESSAGES[error.code];
    if (detailed) return detailed(error);
    if (error.code === 'http_error') {
      return error.status >= 500
        ? 'The server is having trouble right now. Please try again in a moment.'
        : 'Something went wrong. Please try again.';
    }
    return humanizeStatuses(error.message) || 'Something went wrong.';
  }
  if (error instanceof DOMException && error.name === 'AbortError') return 'The request was cancelled.';
  if (error instanceof Error) return error.message;
  return 'Something went wrong.';
}

export function errorCode(error: unknown): string | null {
  return error instanceof ApiError ? error.code : null;
}
