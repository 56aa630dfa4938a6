import { describe, expect, it } from 'vitest';
import { barcodeHint, barcodeMatches, barcodeProblem, isValidEan, normaliseBarcode } from '@/features/picker/utils/barcode';
import { byUrgency, claimState, priceComparison, progressOf, queueAfterEvent, suggestedBags, unitsToPack, urgencyOf } from '@/features/picker/utils/pick-list';
import { qrPath } from '@/features/picker/utils/qr';
import type { FulfilmentUpdatedEvent, PickLineView, PickerOrderView } from '@/types/fulfilment';

const line = (lineId: number, state: string, over: Partial<PickLineView> = {}): PickLineView =>
  ({
    productId: `p${lineId}`,
    sku: `S-${lineId}`,
    name: `Product ${lineId}`,
    unit: '1 pc',
    price: 1000,
    quantity: 2,
    lineTotal: 2000,
    lineId,
    substitution: 'best_match',
    pick: { state, found: null, substitute: null },
    bin: `A1-0${lineId}`,
    barcode: '8904789166167',
    categoryId: 'c1',
    ...over,
  }) as PickLineView;

const order = (id: string, over: Partial<PickerOrderView> = {}): PickerOrderView => ({
  id,
  orderNumber: `QC-${id.toUpperCase()}`,
  status: 'pending',
  fulfilment: 'queued',
  storeId: 's1',
  picker: null,
  promisedAt: null,
  createdAt: '2026-01-01T10:00:00Z',
  pickingAt: null,
  packedAt: null,
  bags: null,
  itemCount: 2,
  lines: [line(1, 'pending')],
  lastSeq: 1,
  ...over,
});

const event = (over: Partial<FulfilmentUpdatedEvent>): FulfilmentUpdatedEvent => ({
  orderId: 'a',
  orderNumber: 'QC-A',
  storeId: 's1',
  fulfilment: 'queued',
  pickerId: null,
  promisedAt: null,
  seq: 2,
  at: '2026-01-01T10:00:00Z',
  ...over,
});

describe('barcodes', () => {
  it('checks EAN-13, EAN-8 and UPC-A check digits', () => {
    expect(isValidEan('8904789166167')).toBe(true); // a demo product's EAN-13
    expect(isValidEan('8904789166168')).toBe(false);
    expect(isValidEan('96385074')).toBe(true); // EAN-8
    expect(isValidEan('036000291452')).toBe(true); // UPC-A
    expect(isValidEan('12345')).toBe(false);
  });

  it('says what is wrong in words, and lets other symbologies through', () => {
    expect(barcodeProblem('  ')).toBe('Scan or type the barcode.');
    expect(barcodeProblem('8904789166168')).toMatch(/typo/);
    expect(barcodeProblem('8904 7891 66167')).toBeNull();
    expect(barcodeProblem('ABC-123')).toBeNull();
  });

  it('matches a line without minding spaces; a line without a code cannot be checked', () => {
    expect(normaliseBarcode(' 890 478 ')).toBe('890478');
    expect(barcodeMatches('8904789166167', '8904789166167 ')).toBe(true);
    expect(barcodeMatches('8904789166167', '8902880733370')).toBe(false);
    expect(barcodeMatches(null, 'anything')).toBe(true);
    expect(barcodeHint('8904789166167')).toBe('…6167');
    expect(barcodeHint(null)).toBeNull();
  });
});

describe('the queue', () => {
  const now = Date.parse('2026-01-01T10:00:00Z');

  it('puts the earliest promise first, orders without one last', () => {
    const list = [
      order('c'),
      order('b', { promisedAt: '2026-01-01T10:20:00Z' }),
      order('a', { promisedAt: '2026-01-01T10:05:00Z' }),
    ].sort(byUrgency);
    expect(list.map((o) => o.id)).toEqual(['a', 'b', 'c']);
  });

  it('says how urgent an order is', () => {
    expect(urgencyOf('2026-01-01T10:25:00Z', now)).toMatchObject({ tone: 'ok', text: 'Due in 25 min' });
    expect(urgencyOf('2026-01-01T10:06:00Z', now)).toMatchObject({ tone: 'soon', text: 'Due in 6 min' });
    expect(urgencyOf('2026-01-01T09:57:00Z', now)).toMatchObject({ tone: 'late', text: 'Late by 3 min' });
    expect(urgencyOf(null, now).tone).toBe('none');
  });

  it('drops packed and cancelled orders, fetches for new ones and for claims by others', () => {
    const queue = [order('a'), order('b')];
    expect(queueAfterEvent(queue, event({ orderId: 'a', fulfilment: 'packed' })).queue.map((o) => o.id)).toEqual(['b']);
    expect(queueAfterEvent(queue, event({ orderId: 'b', fulfilment: 'cancelled' })).queue.map((o) => o.id)).toEqual(['a']);
    expect(queueAfterEvent(queue, event({ orderId: 'z', fulfilment: 'queued' })).refetch).toBe(true);
    const claimed = queueAfterEvent(queue, event({ orderId: 'a', fulfilment: 'picking', pickerId: 'u2' }));
    expect(claimed.queue.find((o) => o.id === 'a')?.fulfilment).toBe('picking');
    expect(claimed.refetch).toBe(true);
    expect(queueAfterEvent(queue, event({ orderId: 'zz', fulfilment: 'packed' })).queue).toBe(queue);
  });

  it("knows whose an order is", () => {
    expect(claimState(order('a'), 'me')).toBe('open');
    expect(claimState(order('a', { fulfilment: 'picking', picker: { id: 'me', name: 'Me' } }), 'me')).toBe('mine');
    expect(claimState(order('a', { fulfilment: 'picking', picker: { id: 'you', name: 'You' } }), 'me')).toBe('theirs');
    expect(claimState(order('a', { fulfilment: 'packed' }), 'me')).toBe('done');
  });
});

describe('a pick list', () => {
  it('can be packed once every line is done and no answer is pending', () => {
    expect(progressOf({ lines: [line(1, 'picked'), line(2, 'pending')] })).toMatchObject({ done: 1, pending: 1, canPack: false });
    expect(progressOf({ lines: [line(1, 'picked'), line(2, 'proposed')] })).toMatchObject({ done: 1, awaiting: 1, canPack: false });
    expect(progressOf({ lines: [line(1, 'picked'), line(2, 'short'), line(3, 'substituted')] })).toMatchObject({ done: 3, canPack: true });
    expect(progressOf({ lines: [] }).canPack).toBe(false);
  });

  it('counts the units that go in the bags and suggests the bags', () => {
    const lines = [
      line(1, 'picked'),
      line(2, 'short', { pick: { state: 'short', found: 1, substitute: null } }),
      line(3, 'substituted', {
        pick: { state: 'substituted', found: 0, substitute: { productId: 'x', name: 'X', unit: '1', unitPrice: 1, quantity: 3, expiresAt: null } },
      }),
    ];
    expect(unitsToPack({ lines })).toBe(6);
    expect(suggestedBags(0)).toBe(1);
    expect(suggestedBags(8)).toBe(1);
    expect(suggestedBags(9)).toBe(2);
    expect(suggestedBags(10_000)).toBe(50);
  });
});

describe('substitutes', () => {
  it('says whether the customer will be asked (dearer only)', () => {
    expect(priceComparison(8900, 11900)).toEqual({ tone: 'dearer', text: 'Dearer: the customer is asked' });
    expect(priceComparison(8900, 8900).tone).toBe('same');
    expect(priceComparison(8900, 5000).tone).toBe('cheaper');
  });
});

describe('the label QR code', () => {
  it('draws dark modules as runs of one path', () => {
    expect(
      qrPath([
        [true, true, false],
        [false, true, true],
      ]),
    ).toBe('M0 0h2v1h-2zM1 1h2v1h-2z');
    expect(qrPath([[false]])).toBe('');
  });
});
