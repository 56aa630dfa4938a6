/**
 * Where the customer is shopping for (the "place"): a saved address, a point (the
 * device's location or a pin on the map) or a PIN code. Pure helpers: the place as
 * stored per user, what to ask the server about it, how to say its serviceability, and
 * what changed in a cart checked against another store.
 */
import { formatMoney } from '@/lib/format';
import { asStoreState } from '@/lib/stores';
import type { CartItem } from '@/features/customer/utils/cart-math';
import type { CartValidateResponse, SavedAddressView, ServiceabilityResponse } from '@/types/models';

export type Place =
  | { kind: 'address'; addressId: string; label: string; line: string; lat: number | null; lng: number | null }
  | { kind: 'point'; source: 'gps' | 'pin'; lat: number; lng: number }
  | { kind: 'zip'; zipCode: string };

export function placeFromAddress(a: SavedAddressView): Place {
  return {
    kind: 'address',
    addressId: a.id,
    label: a.label,
    line: `${a.street}, ${a.city} ${a.zipCode}`.trim(),
    lat: a.lat ?? null,
    lng: a.lng ?? null,
  };
}

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** A place read back from storage; null when it is not one. */
export function parsePlace(raw: string | null): Place | null {
  if (!raw) return null;
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    return null;
  }
  if (typeof v !== 'object' || v === null) return null;
  const p = v as Record<string, unknown>;
  if (p.kind === 'address' && typeof p.addressId === 'string' && p.addressId) {
    return {
      kind: 'address',
      addressId: p.addressId,
      label: typeof p.label === 'string' ? p.label : 'Address',
      line: typeof p.line === 'string' ? p.line : '',
      lat: finite(p.lat) ? p.lat : null,
      lng: finite(p.lng) ? p.lng : null,
    };
  }
  if (p.kind === 'point' && finite(p.lat) && finite(p.lng) && Math.abs(p.lat) <= 90 && Math.abs(p.lng) <= 180) {
    return { kind: 'point', source: p.source === 'gps' ? 'gps' : 'pin', lat: p.lat, lng: p.lng };
  }
  if (p.kind === 'zip' && typeof p.zipCode === 'string' && /^\d{6}$/.test(p.zipCode)) {
    return { kind: 'zip', zipCode: p.zipCode };
  }
  return null;
}

/**
 * The place to use: the stored one (a saved address only while it still exists, with its
 * current words), else the default address, else the first one, else none.
 */
export function resolvePlace(stored: Place | null, addresses: readonly SavedAddressView[] | null): Place | null {
  if (stored && stored.kind !== 'address') return stored;
  if (!addresses) return stored;
  if (stored) {
    const same = addresses.find((a) => a.id === stored.addressId);
    if (same) return placeFromAddress(same);
  }
  const fallback = addresses.find((a) => a.isDefault) ?? addresses[0];
  return fallback ? placeFromAddress(fallback) : null;
}

/** Two places are the same place (for re-fetching only when it really changes). */
export function placeKey(place: Place | null): string {
  if (!place) return '';
  switch (place.kind) {
    case 'address':
      return `a:${place.addressId}`;
    case 'point':
      return `p:${place.lat.toFixed(5)},${place.lng.toFixed(5)}`;
    case 'zip':
      return `z:${place.zipCode}`;
  }
}

export type ServiceQuery = { addressId: string } | { lat: number; lng: number } | { zipCode: string };

/** What `GET /api/customer/serviceability` is asked about a place. */
export function serviceQuery(place: Place): ServiceQuery {
  switch (place.kind) {
    case 'address':
      return { addressId: place.addressId };
    case 'point':
      return { lat: Number(place.lat.toFixed(6)), lng: Number(place.lng.toFixed(6)) };
    case 'zip':
      return { zipCode: place.zipCode };
  }
}

/** Which store's catalog and stock: `storeId` when known, else what the server can resolve itself. */
export type StoreScope = { storeId?: string; addressId?: string; lat?: number; lng?: number };

export function storeScope(place: Place | null, storeId: string | null | undefined): StoreScope {
  if (storeId) return { storeId };
  if (!place) return {};
  if (place.kind === 'address') return { addressId: place.addressId };
  if (place.kind === 'point') return { lat: Number(place.lat.toFixed(6)), lng: Number(place.lng.toFixed(6)) };
  return {};
}

/** The place's name ("Home", "Current location", "Pinned location", "PIN 400053"). */
export function placeTitle(place: Place | null): string {
  if (!place) return 'Choose a delivery location';
  switch (place.kind) {
    case 'address':
      return place.label;
    case 'point':
      return place.source === 'gps' ? 'Current location' : 'Pinned location';
    case 'zip':
      return `PIN ${place.zipCode}`;
  }
}

/** A line under the title: the street, or where a point came from (never its coordinates). */
export function placeDetail(place: Place | null): string {
  if (!place) return 'Set your address to see what is available near you';
  switch (place.kind) {
    case 'address':
      return place.line;
    case 'point':
      return place.source === 'gps' ? 'Where you are now' : 'The point you picked on the map';
    case 'zip':
      return 'Delivery area by PIN code';
  }
}

/** The point of a place, when it has one (for the nearest stores). */
export function placePoint(place: Place | null): { lat: number; lng: number } | null {
  if (!place) return null;
  if (place.kind === 'point') return { lat: place.lat, lng: place.lng };
  if (place.kind === 'address' && place.lat !== null && place.lng !== null) return { lat: place.lat, lng: place.lng };
  return null;
}

export type ServiceTone = 'open' | 'busy' | 'closed' | 'unserved' | 'unknown';

export interface ServiceWords {
  tone: ServiceTone;
  /** "Delivery in 18 min", "Bandra West is closed now", "We don't deliver here yet". */
  headline: string;
  /** "from Bandra West", "very busy, ~52 min", … */
  detail: string;
  /** Whether an order can be placed now (as far as we know). */
  canOrder: boolean;
}

/** A serviceability answer in words, for the location bar, checkout and banners. */
export function describeService(res: ServiceabilityResponse | null | undefined): ServiceWords {
  if (!res) return { tone: 'unknown', headline: 'Checking delivery…', detail: '', canOrder: true };
  const name = res.store?.name ?? 'The store';
  const minutes = res.promise?.minutes;
  if (res.serviceable) {
    return {
      tone: 'open',
      headline: minutes != null ? `Delivery in ${minutes} min` : 'Delivery in minutes',
      detail: `from ${name}`,
      canOrder: true,
    };
  }
  const state = asStoreState(res.state);
  if (res.reason === 'store_busy' || state === 'busy') {
    return {
      tone: 'busy',
      headline: `${name} is very busy`,
      detail: minutes != null ? `very busy, ~${minutes} min right now` : 'very busy right now',
      canOrder: false,
    };
  }
  if (res.reason === 'store_closed' || state === 'closed') {
    return { tone: 'closed', headline: `${name} is closed now`, detail: 'You can browse and order when it opens', canOrder: false };
  }
  return { tone: 'unserved', headline: "We don't deliver here yet", detail: 'Try another address or a nearby area', canOrder: false };
}

export type CartChangeKind = 'unavailable' | 'fewer' | 'price';

export interface CartChange {
  productId: string;
  name: string;
  kind: CartChangeKind;
  text: string;
}

/** What differs for this cart at the store it was just checked against (`POST /cart/validate`). */
export function cartChangesAtStore(items: readonly CartItem[], res: CartValidateResponse): CartChange[] {
  const byId = new Map(res.items.map((l) => [l.productId, l]));
  const out: CartChange[] = [];
  for (const item of items) {
    const line = byId.get(item.productId);
    if (!line) continue;
    const name = line.name ?? item.name;
    if (!line.ok && (line.available <= 0 || line.reason === 'unavailable' || line.reason === 'out_of_stock')) {
      out.push({
        productId: item.productId,
        name,
        kind: 'unavailable',
        text: line.reason === 'unavailable' ? `${name} is not sold here` : `${name} is out of stock here`,
      });
      continue;
    }
    if (!line.ok || line.available < item.quantity) {
      out.push({
        productId: item.productId,
        name,
        kind: 'fewer',
        text: `${name}: only ${line.available} in stock here (you have ${item.quantity})`,
      });
    }
    if (line.price != null && line.price !== item.price) {
      out.push({
        productId: item.productId,
        name,
        kind: 'price',
        text: `${name} is ${formatMoney(line.price)} here (was ${formatMoney(item.price)})`,
      });
    }
  }
  return out;
}
