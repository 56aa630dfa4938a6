import { describe, expect, it } from 'vitest';
import { choiceOf, linesWithChoices, parsePrefs, withChoice } from '@/features/customer/utils/substitution';
import { fromEvent, fromItems, mergeProposals, syncWithItems, withoutProposal } from '@/features/customer/utils/proposals';
import { passwordProblem, linkToken } from '@/features/auth/utils/password-rules';
import { absoluteLink } from '@/features/admin/utils/staff-link';
import { figureText } from '@/features/admin/utils/fulfilment-figures';
import type { OrderItemView } from '@/types/models';
import type { FulfilmentFiguresView, SubstitutionProposedEvent } from '@/types/fulfilment';

describe('substitution choice at checkout', () => {
  it('defaults to best match and remembers only refunds', () => {
    let prefs = parsePrefs(null);
    expect(choiceOf(prefs, 'p1')).toBe('best_match');
    prefs = withChoice(prefs, 'p1', 'refund');
    expect(prefs).toEqual({ p1: 'refund' });
    expect(withChoice(prefs, 'p1', 'best_match')).toEqual({});
  });

  it('puts the choice on every order line', () => {
    expect(linesWithChoices([{ productId: 'p1', quantity: 2 }, { productId: 'p2', quantity: 1 }], { p2: 'refund' })).toEqual([
      { productId: 'p1', quantity: 2, substitution: 'best_match' },
      { productId: 'p2', quantity: 1, substitution: 'refund' },
    ]);
  });

  it('reads stored prefs defensively', () => {
    expect(parsePrefs('{"p1":"refund","p2":"x","p3":1}')).toEqual({ p1: 'refund' });
    expect(parsePrefs('not json')).toEqual({});
    expect(parsePrefs('[1]')).toEqual({});
  });
});

const sub = { productId: 'p2', name: 'Chana Dal', unit: '500 g', unitPrice: 11900, quantity: 1, expiresAt: '2026-01-01T10:02:00Z' };
const proposed = (over: Partial<OrderItemView> = {}): OrderItemView => ({
  productId: 'p1',
  sku: 'S',
  name: 'Moong Dal',
  unit: '500 g',
  price: 8900,
  quantity: 2,
  lineTotal: 17800,
  lineId: 1,
  substitution: 'best_match',
  pick: { state: 'proposed', found: 1, substitute: sub },
  ...over,
});

describe('substitutes waiting for an answer', () => {
  const event: SubstitutionProposedEvent = {
    orderId: 'o1',
    lineId: 1,
    name: 'Moong Dal',
    ordered: 2,
    found: 1,
    substitute: sub,
    lineTotalBefore: 17800,
    lineTotalAfter: 20800,
    expiresAt: '2026-01-01T10:02:00Z',
    seq: 4,
  };

  it('reads them from the event and from the order lines alike', () => {
    const a = fromEvent(event, 1);
    const [b] = fromItems('o1', 'QC-1', [proposed()], 2);
    expect(a.key).toBe(b.key);
    expect(b.lineTotalBefore).toBe(17800);
    expect(b.lineTotalAfter).toBe(a.lineTotalAfter);
    expect(fromItems('o1', null, [proposed({ pick: { state: 'picked', found: null, substitute: null } })], 2)).toEqual([]);
  });

  it('keeps each once, with the time first seen', () => {
    const list = mergeProposals([], [fromEvent(event, 1)]);
    const again = mergeProposals(list, fromItems('o1', 'QC-1', [proposed()], 50));
    expect(again).toHaveLength(1);
    expect(again[0].seenAt).toBe(1);
    expect(again[0].orderNumber).toBe('QC-1');
  });

  it('drops those answered elsewhere or refunded for want of an answer', () => {
    const list = mergeProposals([], [fromEvent(event, 1), fromEvent({ ...event, orderId: 'o2' }, 1)]);
    const after = syncWithItems(list, 'o1', null, [proposed({ pick: { state: 'substituted', found: 1, substitute: sub } })], 5);
    expect(after.map((p) => p.orderId)).toEqual(['o2']);
    expect(withoutProposal(after, 'o2:1')).toEqual([]);
  });
});

describe('staff links and passwords', () => {
  it('makes the one-time link whole', () => {
    expect(absoluteLink('/set-password?token=ab', 'https://qc.example/')).toBe('https://qc.example/set-password?token=ab');
    expect(absoluteLink('https://x/set-password?token=ab', 'https://qc.example')).toBe('https://x/set-password?token=ab');
    expect(linkToken('?token=%20ab12%20')).toBe('ab12');
    expect(linkToken('?other=1')).toBeNull();
  });

  it('checks a new password as the server does', () => {
    expect(passwordProblem('short1')).toMatch(/8 characters/);
    expect(passwordProblem('onlyletters')).toMatch(/digit or symbol/);
    expect(passwordProblem('12345678')).toMatch(/letter/);
    expect(passwordProblem('Picker@12345')).toBeNull();
  });

  it('words the fulfilment figures', () => {
    const f = { avgPickMinutes: 4.26, shortRate: 0.0833, pickBaseMinutes: 3, pickPerItemSeconds: 20.4 } as FulfilmentFiguresView;
    expect(figureText(f)).toEqual({ avgPick: '4.3 min', shortRate: '8.3%', promise: '3.0 min + 20 s/item' });
    expect(figureText({ ...f, avgPickMinutes: null, shortRate: null }).avgPick).toBe('—');
  });
});
