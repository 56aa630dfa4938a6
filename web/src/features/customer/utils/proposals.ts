/**
 * Substitutes waiting for the customer's answer, from the live event
 * (`order:substitution-proposed`) or from an order's lines (`pick.state = proposed`, e.g.
 * after a reload). Pure: a list keyed by order and line, each seen once.
 */
import type { OrderItemView } from '@/types/models';
import type { SubstituteView, SubstitutionProposedEvent } from '@/types/fulfilment';

export interface Proposal {
  key: string;
  orderId: string;
  orderNumber: string | null;
  lineId: number;
  name: string;
  unit: string | null;
  ordered: number;
  found: number;
  substitute: SubstituteView;
  lineTotalBefore: number;
  lineTotalAfter: number;
  expiresAt: string | null;
  /** When this screen first heard of it (ms). */
  seenAt: number;
}

export const proposalKey = (orderId: string, lineId: number) => `${orderId}:${lineId}`;

export function fromEvent(event: SubstitutionProposedEvent, seenAt: number): Proposal {
  return {
    key: proposalKey(event.orderId, event.lineId),
    orderId: event.orderId,
    orderNumber: null,
    lineId: event.lineId,
    name: event.name,
    unit: null,
    ordered: event.ordered,
    found: event.found,
    substitute: event.substitute,
    lineTotalBefore: event.lineTotalBefore,
    lineTotalAfter: event.lineTotalAfter,
    expiresAt: event.expiresAt ?? event.substitute.expiresAt ?? null,
    seenAt,
  };
}

/** The proposals among an order's lines (totals computed as the server does). */
export function fromItems(orderId: string, orderNumber: string | null, items: readonly OrderItemView[], seenAt: number): Proposal[] {
  return items
    .filter((i) => i.pick?.state === 'proposed' && i.pick.substitute)
    .map((i) => {
      const sub = i.pick!.substitute!;
      const found = i.pick!.found ?? 0;
      return {
        key: proposalKey(orderId, i.lineId),
        orderId,
        orderNumber,
        lineId: i.lineId,
        name: i.name,
        unit: i.unit,
        ordered: i.quantity,
        found,
        substitute: sub,
        lineTotalBefore: i.lineTotal,
        lineTotalAfter: found * i.price + sub.quantity * sub.unitPrice,
        expiresAt: sub.expiresAt ?? null,
        seenAt,
      };
    });
}

/** Add proposals; one already there keeps when it was first seen (its countdown goes on). */
export function mergeProposals(list: readonly Proposal[], incoming: readonly Proposal[]): Proposal[] {
  if (!incoming.length) return list as Proposal[];
  const byKey = new Map(list.map((p) => [p.key, p]));
  for (const p of incoming) {
    const known = byKey.get(p.key);
    byKey.set(p.key, known ? { ...p, seenAt: known.seenAt, orderNumber: p.orderNumber ?? known.orderNumber, unit: p.unit ?? known.unit } : p);
  }
  return [...byKey.values()].sort((a, b) => (a.expiresAt ?? '').localeCompare(b.expiresAt ?? '') || a.key.localeCompare(b.key));
}

/**
 * The list after an order's lines as they now stand: its proposals that are no longer
 * proposed (answered here or elsewhere, or refunded for want of an answer) go.
 */
export function syncWithItems(list: readonly Proposal[], orderId: string, orderNumber: string | null, items: readonly OrderItemView[], seenAt: number): Proposal[] {
  const current = fromItems(orderId, orderNumber, items, seenAt);
  const keep = new Set(current.map((p) => p.key));
  const others = list.filter((p) => p.orderId !== orderId || keep.has(p.key));
  return mergeProposals(others, current);
}

export function withoutProposal(list: readonly Proposal[], key: string): Proposal[] {
  return list.some((p) => p.key === key) ? list.filter((p) => p.key !== key) : (list as Proposal[]);
}
