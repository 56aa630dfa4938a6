/** Words on the partner's screen that must stay true as their orders move. */
import { formatClock } from '@/lib/format';

/**
 * An accept's outcome ("You got QC-1234. Head to the store.") while it still holds: only
 * as long as that order is active and waiting for pickup. Outcomes about no order stay.
 */
export function outcomeStillTrue<T extends { orderId?: string }>(outcome: T | null, active: readonly { id: string; status: string }[]): T | null {
  if (!outcome) return null;
  if (!outcome.orderId) return outcome;
  const order = active.find((o) => o.id === outcome.orderId);
  return order && order.status === 'accepted' ? outcome : null;
}

/** When the position last went out, in words (never the coordinates themselves). */
export function lastSentText(at: number, now: number): string {
  const seconds = Math.max(0, Math.round((now - at) / 1000));
  if (seconds < 10) return 'Last sent just now.';
  if (seconds < 60) return `Last sent ${seconds} s ago.`;
  return `Last sent at ${formatClock(new Date(at).toISOString())}.`;
}
