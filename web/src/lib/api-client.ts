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
}

/** An error answered by the server (or `network_error` when it could not be reached). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;

  constructor(status: number, code: string, message: string, details?: unknown) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
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

/** Wire the client to the auth state (done once by the auth provider). */
export function configureApiClient(options: {
  getToken: () => string | null;
  onSessionEnded: (code: string) => void;
}): void {
  tokenSource = options.getToken;
  sessionEnded = options.onSessionEnded;
}

export function buildUrl(path: string, query?: Query): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null || value === '') continue;
    params.set(key, String(value));
  }
  const qs = params.toString();
  return `${config.apiBaseUrl}${path}${qs ? `?${qs}` : ''}`;
}

function isEnvelope(value: unknown): value is ErrorEnvelope {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { success?: unknown }).success === false &&
    typeof (value as { error?: unknown }).error === 'object'
  );
}

async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
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
    response = await fetch(buildUrl(path, options.query), {
      method,
      headers,
      body,
      signal: options.signal,
    });
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
    const error = isEnvelope(payload)
      ? new ApiError(response.status, payload.error.code, payload.error.message, payload.error.details)
      : new ApiError(response.status, 'http_error', `The server answered ${response.status}.`);
    if (response.status === 401 && token && SESSION_ENDED_CODES.has(error.code)) {
      sessionEnded(error.code);
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

/** A message fit to show for any thrown value. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return 'Something went wrong.';
}

export function errorCode(error: unknown): string | null {
  return error instanceof ApiError ? error.code : null;
}
