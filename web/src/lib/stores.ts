/**
 * Dark stores as anyone sees them (`GET /api/stores`, `/api/stores/serviceability`), and
 * the words for their state and promise. Shared by the customer, partner sign-up and admin.
 */
import { apiClient } from '@/lib/api-client';
import { distanceMeters, type Point } from '@/lib/geo';
import type { PromiseView, ServiceabilityResponse, StorePublicView, StoreState, StoresResponse } from '@/types/models';

export const storesApi = {
  list: (signal?: AbortSignal) => apiClient.get<StoresResponse>('/api/stores', { signal }),
  /** Anyone may ask about a point or a PIN code (saved addresses need the customer route). */
  serviceability: (query: { lat?: number; lng?: number; zipCode?: string }, signal?: AbortSignal) =>
    apiClient.get<ServiceabilityResponse>('/api/stores/serviceability', { query: { ...query }, signal }),
};

export function asStoreState(state: string | null | undefined): StoreState | null {
  return state === 'open' || state === 'busy' || state === 'closed' ? state : null;
}

const STATE_LABEL: Record<StoreState, string> = { open: 'Open', busy: 'Very busy', closed: 'Closed' };
const STATE_COLOR: Record<StoreState, 'success' | 'warning' | 'default'> = { open: 'success', busy: 'warning', closed: 'default' };

export function storeStateLabel(state: string | null | undefined): string {
  const s = asStoreState(state);
  return s ? STATE_LABEL[s] : 'Unknown';
}

export function storeStateColor(state: string | null | undefined): 'success' | 'warning' | 'default' {
  const s = asStoreState(state);
  return s ? STATE_COLOR[s] : 'default';
}

/** "18 min" for a promise. */
export function promiseMinutesText(promise: Pick<PromiseView, 'minutes'> | null | undefined): string | null {
  return promise && Number.isFinite(promise.minutes) ? `${promise.minutes} min` : null;
}

export interface NearbyStore {
  store: StorePublicView;
  meters: number;
}

/** Stores nearest a point first (all of them, with their distance). */
export function nearestStores(stores: readonly StorePublicView[], from: Point): NearbyStore[] {
  return stores
    .map((store) => ({ store, meters: distanceMeters(from, store.location) }))
    .sort((a, b) => a.meters - b.meters);
}
