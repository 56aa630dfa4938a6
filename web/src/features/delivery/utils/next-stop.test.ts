import { describe, expect, it } from 'vitest';
import { currentStop, stopHeadline } from '@/features/delivery/utils/next-stop';
import type { PartnerOrderView } from '@/types/models';

const STORE = { lat: 19.0596, lng: 72.8295 };

function carried(id: string, status: string, dest: { lat: number; lng: number }, promisedInMin: number, street = `${id} Road`): PartnerOrderView {
  return {
    id,
    orderNumber: `QC-${id}`,
    status,
    customerId: 'c',
    codeLocked: false,
    items: [],
    subtotal: 1000,
    deliveryFee: 2500,
    total: 3500,
    currency: 'INR',
    paymentMethod: 'cash',
    deliveryAddress: { label: 'Home', street, city: 'Mumbai', state: 'MH', zipCode: '400050', lat: dest.lat, lng: dest.lng },
    lastSeq: 2,
    late: false,
    createdAt: new Date(Date.now() - 60_000).toISOString(),
    promisedAt: new Date(Date.now() + promisedInMin * 60_000).toISOString(),
    estimatedPayout: 4000,
    pickup: STORE,
    store: { id: 's1', code: 'BDW', name: 'Bandra West' },
  } as PartnerOrderView;
}

const near = { lat: 19.062, lng: 72.83 };
const far = { lat: 19.08, lng: 72.85 };

describe('the current stop', () => {
  it('is nothing without an active order', () => {
    expect(currentStop([], STORE)).toBeNull();
  });

  it('is the first pickup while any order waits at the store', () => {
    const stop = currentStop([carried('a', 'picked_up', near, 10), carried('b', 'accepted', far, 30)], STORE);
    expect(stop).toMatchObject({ kind: 'pickup', total: 3 });
    expect(stop?.order.id).toBe('b');
    expect(stopHeadline(stop!, 2)).toBe('3 stops left · Pick up QC-b at Bandra West');
  });

  it('is the nearest drop once everything is picked up', () => {
    const stop = currentStop([carried('far', 'picked_up', far, 20), carried('near', 'on_the_way', near, 20)], STORE);
    expect(stop).toMatchObject({ kind: 'drop', total: 2 });
    expect(stop?.order.id).toBe('near');
    expect(stopHeadline(stop!, 2)).toBe('2 stops left · Deliver QC-near to near Road');
  });

  it('says only what to do with a single order', () => {
    const accepted = currentStop([carried('a', 'accepted', near, 20)], STORE)!;
    expect(accepted.total).toBe(2);
    expect(stopHeadline(accepted, 1)).toBe('Pick up QC-a at Bandra West');
    const out = currentStop([carried('a', 'on_the_way', near, 20, '21 Pali Hill Road')], STORE)!;
    expect(stopHeadline(out, 1)).toBe('Deliver QC-a to 21 Pali Hill Road');
  });

  it('leaves out a store or street it does not know', () => {
    const order = { ...carried('a', 'accepted', near, 20), store: null } as unknown as PartnerOrderView;
    expect(stopHeadline(currentStop([order], STORE)!, 1)).toBe('Pick up QC-a');
    const blank = carried('b', 'picked_up', near, 20, '');
    expect(stopHeadline(currentStop([blank], STORE)!, 1)).toBe('Deliver QC-b');
  });
});
