import { describe, expect, it } from 'vitest';
import {
  cartChangesAtStore,
  describeService,
  parsePlace,
  placeFromAddress,
  placeKey,
  placePoint,
  placeTitle,
  resolvePlace,
  serviceQuery,
  storeScope,
  type Place,
} from '@/features/customer/utils/place';
import type { CartItem } from '@/features/customer/utils/cart-math';
import type { CartValidateResponse, SavedAddressView, ServiceabilityResponse } from '@/types/models';

function address(id: string, label: string, extra: Partial<SavedAddressView> = {}): SavedAddressView {
  return {
    id,
    label,
    street: `${label} street`,
    city: 'Mumbai',
    state: 'Maharashtra',
    zipCode: '400050',
    lat: 19.06,
    lng: 72.83,
    isDefault: false,
    createdAt: '2026-01-01T00:00:00Z',
    ...extra,
  };
}

const HOME = address('h', 'Home', { isDefault: true });
const PARENTS = address('p', 'Parents', { zipCode: '400053', lat: 19.131, lng: 72.834 });

const BANDRA = { id: 's1', name: 'Bandra West', code: 'BDW' };
const service = (extra: Partial<ServiceabilityResponse>): ServiceabilityResponse => ({
  success: true,
  serviceable: true,
  store: BANDRA,
  state: 'open',
  promise: { minutes: 18, deliverBy: '2026-01-01T10:18:00Z' },
  reason: null,
  ...extra,
});

describe('the place', () => {
  it('round-trips through storage and refuses what is not a place', () => {
    const places: Place[] = [
      placeFromAddress(HOME),
      { kind: 'point', source: 'gps', lat: 19.1, lng: 72.8 },
      { kind: 'zip', zipCode: '400053' },
    ];
    for (const p of places) expect(parsePlace(JSON.stringify(p))).toEqual(p);
    expect(parsePlace(null)).toBeNull();
    expect(parsePlace('not json')).toBeNull();
    expect(parsePlace('{"kind":"point","lat":300,"lng":1}')).toBeNull();
    expect(parsePlace('{"kind":"zip","zipCode":"12"}')).toBeNull();
    expect(parsePlace('{"kind":"address"}')).toBeNull();
  });

  it('defaults to the default address, follows edits and forgets deleted addresses', () => {
    expect(resolvePlace(null, [PARENTS, HOME])).toEqual(placeFromAddress(HOME));
    expect(resolvePlace(null, [PARENTS])).toEqual(placeFromAddress(PARENTS));
    expect(resolvePlace(null, [])).toBeNull();
    // Not loaded yet: keep what was stored.
    const stored = placeFromAddress(PARENTS);
    expect(resolvePlace(stored, null)).toBe(stored);
    const renamed = { ...PARENTS, label: 'Mum & Dad' };
    expect(resolvePlace(stored, [HOME, renamed])).toMatchObject({ addressId: 'p', label: 'Mum & Dad' });
    expect(resolvePlace(stored, [HOME])).toMatchObject({ addressId: 'h' });
    const pin: Place = { kind: 'point', source: 'pin', lat: 19.1, lng: 72.8 };
    expect(resolvePlace(pin, [HOME])).toBe(pin);
  });

  it('says what to ask the server, and which store scope to use', () => {
    expect(serviceQuery(placeFromAddress(HOME))).toEqual({ addressId: 'h' });
    expect(serviceQuery({ kind: 'point', source: 'pin', lat: 19.1234567891, lng: 72.8 })).toEqual({ lat: 19.123457, lng: 72.8 });
    expect(serviceQuery({ kind: 'zip', zipCode: '400053' })).toEqual({ zipCode: '400053' });
    expect(storeScope(placeFromAddress(HOME), 's1')).toEqual({ storeId: 's1' });
    expect(storeScope(placeFromAddress(HOME), null)).toEqual({ addressId: 'h' });
    expect(storeScope({ kind: 'zip', zipCode: '400053' }, undefined)).toEqual({});
    expect(storeScope(null, undefined)).toEqual({});
    expect(placeKey({ kind: 'point', source: 'gps', lat: 19.1, lng: 72.8 })).toBe(placeKey({ kind: 'point', source: 'pin', lat: 19.100001, lng: 72.8 }));
    expect(placeTitle({ kind: 'zip', zipCode: '400053' })).toBe('PIN 400053');
    expect(placePoint({ kind: 'zip', zipCode: '400053' })).toBeNull();
    expect(placePoint(placeFromAddress(PARENTS))).toEqual({ lat: 19.131, lng: 72.834 });
  });
});

describe('serviceability in words', () => {
  it('says the promise, busy, closed and not served', () => {
    expect(describeService(service({}))).toEqual({ tone: 'open', headline: 'Delivery in 18 min', detail: 'from Bandra West', canOrder: true });
    expect(describeService(service({ serviceable: false, state: 'busy', reason: 'store_busy', promise: { minutes: 52, deliverBy: '' } }))).toMatchObject({
      tone: 'busy',
      detail: 'very busy, ~52 min right now',
      canOrder: false,
    });
    expect(describeService(service({ serviceable: false, state: 'closed', reason: 'store_closed', promise: null }))).toMatchObject({
      tone: 'closed',
      headline: 'Bandra West is closed now',
    });
    expect(
      describeService(service({ serviceable: false, store: null, state: null, reason: 'outside_service_area', promise: null })),
    ).toMatchObject({ tone: 'unserved', headline: "We don't deliver here yet", canOrder: false });
    expect(describeService(null).tone).toBe('unknown');
  });
});

describe('a cart checked against another store', () => {
  const item = (productId: string, name: string, price: number, quantity: number): CartItem => ({
    productId,
    name,
    unit: '1 kg',
    imageUrl: '',
    price,
    mrp: price,
    quantity,
    stock: 50,
  });
  it('lists unavailable lines, fewer in stock and price changes, and nothing else', () => {
    const cart = [item('a', 'Bananas', 4900, 2), item('b', 'Milk', 6800, 5), item('c', 'Atta', 30000, 1), item('d', 'Dahi', 3000, 1), item('e', 'Salt', 2000, 1)];
    const res: CartValidateResponse = {
      success: true,
      valid: false,
      subtotal: 0,
      deliveryFee: 0,
      total: 0,
      store: { id: 's2', name: 'Andheri West', code: 'ADW' },
      items: [
        { productId: 'a', name: 'Banana Robusta', requested: 2, available: 0, ok: false, reason: 'out_of_stock', price: 4900 },
        { productId: 'b', requested: 5, available: 3, ok: false, reason: 'insufficient_stock', price: 6800 },
        { productId: 'c', requested: 1, available: 10, ok: true, price: 32000 },
        { productId: 'd', requested: 1, available: 0, ok: false, reason: 'unavailable' },
        { productId: 'e', requested: 1, available: 9, ok: true, price: 2000 },
      ],
    };
    expect(cartChangesAtStore(cart, res)).toEqual([
      { productId: 'a', name: 'Banana Robusta', kind: 'unavailable', text: 'Banana Robusta is out of stock here' },
      { productId: 'b', name: 'Milk', kind: 'fewer', text: 'Milk: only 3 in stock here (you have 5)' },
      { productId: 'c', name: 'Atta', kind: 'price', text: 'Atta is ₹320.00 here (was ₹300.00)' },
      { productId: 'd', name: 'Dahi', kind: 'unavailable', text: 'Dahi is not sold here' },
    ]);
  });
});
