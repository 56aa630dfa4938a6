/**
 * The substitutes waiting for this customer's answer, shared by every screen of the shop:
 * the live prompt (substitution-dialog.tsx) and the order page, which adds those it finds
 * on a loaded order. A proposal answered here never comes back from an older copy of the
 * order.
 */
import { useSyncExternalStore } from 'react';
import { mergeProposals, syncWithItems, withoutProposal, type Proposal } from '@/features/customer/utils/proposals';
import type { OrderItemView } from '@/types/models';

let list: Proposal[] = [];
const answered = new Set<string>();
const listeners = new Set<() => void>();

function set(next: Proposal[]): void {
  if (next === list) return;
  list = next;
  for (const listener of listeners) listener();
}

export const proposalStore = {
  get: (): Proposal[] => list,
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  /** New proposals (from the live event). */
  offer(proposals: Proposal[]): void {
    set(mergeProposals(list, proposals.filter((p) => !answered.has(p.key))));
  },
  /** An order's lines as they now stand: its proposals are exactly those still proposed. */
  sync(orderId: string, orderNumber: string | null, items: readonly OrderItemView[]): void {
    const next = syncWithItems(list, orderId, orderNumber, items, Date.now()).filter((p) => !answered.has(p.key));
    set(next.length === list.length && next.every((p, i) => p === list[i]) ? list : next);
  },
  /** Answered (or past its time): gone for good. */
  done(key: string): void {
    answered.add(key);
    set(withoutProposal(list, key));
  },
  /** Another user signs in on this tab. */
  reset(): void {
    answered.clear();
    set([]);
  },
};

export function useProposals(): Proposal[] {
  return useSyncExternalStore(proposalStore.subscribe, proposalStore.get, proposalStore.get);
}
