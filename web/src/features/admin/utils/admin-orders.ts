/** Pure helpers for the admin's live views. */
import { applyOrderUpdate, type OrderUpdate } from '@/lib/order-sync';
import type { OrdersByStatus } from '@/types/admin';
import type { LocationView, OrderView } from '@/types/models';

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
