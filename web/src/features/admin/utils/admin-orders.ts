/** Pure helpers for the admin's live views. */
import { applyOrderUpdate, type OrderUpdate } from '@/lib/order-sync';
import { cancellationText, cancelReasonWords, isActiveStatus, NO_PARTNER_AVAILABLE, statusLabel } from '@/lib/order-status';
import type { OrdersByStatus } from '@/types/admin';
import type { FleetPosition, LocationView, OrderView } from '@/types/models';

/** Apply a live update to the one matching row of a table (others untouched). */
export function applyToRows(rows: OrderView[], update: OrderUpdate): OrderView[] {
  const index = rows.findIndex((o) => o.id === update.orderId);
  if (index < 0) return rows;
  const updated = applyOrderUpdate(rows[index], update);
  if (updated === rows[index]) return rows;
  const next = [...rows];
  next[index] = updated;
  return next;
}

export const STATUS_BARS: { key: keyof Omit<OrdersByStatus, 'total'>; label: string; color: string }[] = [
  { key: 'pending', label: 'Placed', color: '#ed6c02' },
  { key: 'accepted', label: 'Accepted', color: '#0288d1' },
  { key: 'picked_up', label: 'Picked up', color: '#1565c0' },
  { key: 'on_the_way', label: 'On way', color: '#6a1b9a' },
  { key: 'delivered', label: 'Delivered', color: '#2e7d32' },
  { key: 'cancelled', label: 'Cancelled', color: '#c62828' },
];

/** Keep the last `max` samples (for sparklines). */
export function pushSample(samples: number[], value: number, max = 30): number[] {
  const next = [...samples, value];
  return next.length > max ? next.slice(next.length - max) : next;
}

/** The partner positions to draw: last known per partner, newest wins. */
export function mergePosition(
  positions: Record<string, LocationView>,
  partnerId: string,
  point: LocationView,
): Record<string, LocationView> {
  const current = positions[partnerId];
  if (current && current.at > point.at) return positions;
  return { ...positions, [partnerId]: point };
}

/** Every rider of a `fleet:positions` frame merged (one state update per frame). */
export function mergeFleet(
  positions: Record<string, LocationView>,
  fleet: readonly FleetPosition[],
): Record<string, LocationView> {
  return fleet.reduce((acc, p) => mergePosition(acc, p.partnerId, { lat: p.lat, lng: p.lng, at: p.at }), positions);
}

/** Whether support can send the customer a new delivery code (the order is in delivery). */
export function canResetCode(order: Pick<OrderView, 'status'>): boolean {
  return isActiveStatus(order.status);
}

function words(text: string): string {
  const spaced = text.replace(/^order\./, '').replace(/[_.]+/g, ' ').trim();
  return spaced ? spaced.charAt(0).toUpperCase() + spaced.slice(1) : 'Changed';
}

/** One timeline entry in words (never the raw `order.code_reset` or `picked_up`). */
export function describeTimelineEntry(type: string, data: unknown): string {
  const d = (typeof data === 'object' && data !== null ? data : {}) as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : null);
  const reason = text(d.reason);
  const because = reason ? `: ${cancelReasonWords(reason)}` : '';
  switch (type) {
    case 'order.created':
      return 'Placed';
    case 'order.accepted':
      return `Accepted by ${text(d.partnerName) ?? 'a partner'}`;
    case 'order.status_updated': {
      const status = text(d.status);
      return status ? statusLabel(status) : 'Status changed';
    }
    case 'order.delivered':
      return 'Delivered';
    case 'order.cancelled':
      return reason === NO_PARTNER_AVAILABLE ? cancellationText(reason, 'staff') : `Cancelled${because}`;
    case 'order.unassigned':
      return `Taken off the partner${because}`;
    case 'order.reassigned':
      return `Given to ${text(d.partnerName) ?? 'another partner'}${because}`;
    case 'order.code_locked': {
      const attempts = typeof d.attempts === 'number' ? d.attempts : null;
      return `Delivery code locked after ${attempts ?? 'too many'} wrong codes`;
    }
    case 'order.code_reset':
      return `New delivery code sent to the customer${because}`;
    case 'order.picking_started':
      return 'Picking started';
    case 'order.line_picked':
      return `Picked ${text(d.name) ?? 'an item'}`;
    case 'order.line_short':
      return `${text(d.name) ?? 'An item'} is short`;
    case 'order.substitution_proposed':
      return `Replacement offered${text(d.substituteName) ? `: ${text(d.substituteName)}` : ''}`;
    case 'order.substituted':
      return 'Replacement accepted';
    case 'order.substitution_rejected':
      return 'Replacement declined';
    case 'order.packed':
      return 'Packed';
    default:
      return words(type);
  }
}

/** Who did it, in words (`actorRole` of a timeline entry). */
export function actorLabel(role: string | null | undefined): string | null {
  switch (role) {
    case null:
    case undefined:
    case '':
      return null;
    case 'customer':
      return 'customer';
    case 'delivery':
      return 'partner';
    case 'admin':
      return 'admin';
    case 'system':
      return 'platform';
    default:
      return role.replace(/_/g, ' ');
  }
}
