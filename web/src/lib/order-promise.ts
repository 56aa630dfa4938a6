/**
 * The delivery time promised at placement (`promisedAt`, `promisedMinutes`) against the
 * clock: on time, at risk (within 5 minutes of it) or late. The server's `late` flag is
 * kept; between fetches the clock turns an open order late on its own.
 */
import { formatClock } from '@/lib/format';
import type { OrderView } from '@/types/models';

export type PromiseStatus = 'on_time' | 'at_risk' | 'late';

export interface PromiseInfo {
  status: PromiseStatus;
  /** "Arriving by 2:32 pm · promised 18 min", "Delivered on time", … */
  text: string;
  /** The clock time promised ("2:32 pm"). */
  by: string;
  /** Minutes past the promise (0 when not late). */
  lateMinutes: number;
}

const AT_RISK_MS = 5 * 60_000;

type PromiseFields = Pick<OrderView, 'status' | 'promisedAt' | 'promisedMinutes' | 'late' | 'deliveredAt'>;

export function promiseInfo(order: PromiseFields, now: number = Date.now()): PromiseInfo | null {
  if (!order.promisedAt || order.status === 'cancelled') return null;
  const due = Date.parse(order.promisedAt);
  if (Number.isNaN(due)) return null;
  const by = formatClock(order.promisedAt);
  const minutes = order.promisedMinutes != null ? ` · promised ${order.promisedMinutes} min` : '';
  if (order.status === 'delivered') {
    const at = order.deliveredAt ? Date.parse(order.deliveredAt) : NaN;
    const over = Number.isNaN(at) ? 0 : Math.max(0, Math.ceil((at - due) / 60_000));
    const late = order.late || over > 0;
    return {
      status: late ? 'late' : 'on_time',
      text: late ? `Delivered ${over > 0 ? `${over} min ` : ''}after the promised ${by}` : `Delivered on time (promised by ${by})`,
      by,
      lateMinutes: late ? over : 0,
    };
  }
  const over = Math.ceil((now - due) / 60_000);
  if (order.late || now > due) {
    return { status: 'late', text: `Running late: promised by ${by}${minutes}`, by, lateMinutes: Math.max(0, over) };
  }
  return { status: due - now <= AT_RISK_MS ? 'at_risk' : 'on_time', text: `Arriving by ${by}${minutes}`, by, lateMinutes: 0 };
}
