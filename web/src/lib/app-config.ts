/**
 * What the server tells every client at start (`GET /api/config`): here, how long a
 * customer has to answer a dearer substitute. Asked once per page load, when first needed.
 */
import { config } from '@/config/env';

export interface AppConfig {
  /** Seconds a customer has to answer a proposed substitute (null: not known). */
  substitutionApprovalSecs: number | null;
}

const UNKNOWN: AppConfig = Object.freeze({ substitutionApprovalSecs: null });

/** The part of `{success, config}` this app reads; anything unexpected is "not known". */
export function appConfigFrom(payload: unknown): AppConfig {
  const secs = (payload as { config?: { substitutionApprovalSecs?: unknown } } | null)?.config?.substitutionApprovalSecs;
  return typeof secs === 'number' && Number.isFinite(secs) && secs > 0 ? { substitutionApprovalSecs: secs } : UNKNOWN;
}

let pending: Promise<AppConfig> | null = null;
let payload: Promise<unknown> | null = null;

/**
 * The body of `GET /api/config`, asked once per page load for every reader (this file,
 * the map's tile source): null when the call fails or answers no JSON.
 */
export function loadConfigPayload(fetcher: typeof fetch = fetch): Promise<unknown> {
  payload ??= fetcher(`${config.apiBaseUrl}/api/config`, { headers: { Accept: 'application/json' } })
    .then(async (res) => (res.ok ? await res.json().catch(() => null) : null))
    .catch(() => null);
  return payload;
}

export function loadAppConfig(fetcher: typeof fetch = fetch): Promise<AppConfig> {
  pending ??= loadConfigPayload(fetcher).then(appConfigFrom);
  return pending;
}

/** For tests: forget the answers. */
export function resetAppConfig(): void {
  pending = null;
  payload = null;
}
