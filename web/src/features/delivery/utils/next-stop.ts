/**
 * The partner's current stop, pure: the first stop of their trip (every pickup first, then
 * the drops, as `planStops` orders them) and its words for the action bar at the bottom of
 * a phone's screen ("4 stops left · Pick up QC-1234 at Bandra West").
 */
import { planStops } from '@/features/delivery/utils/dispatch';
import type { Point } from '@/lib/geo';
import type { PartnerOrderView } from '@/types/models';

export interface CurrentStop {
  kind: 'pickup' | 'drop';
  order: PartnerOrderView;
  /** Stops left in the trip (pickups and drops). */
  total: number;
}

/** The stop to make now, or null without an active order. */
export function currentStop(orders: readonly PartnerOrderView[], from: Point | null): CurrentStop | null {
  const stops = planStops(orders, from);
  const first = stops[0];
  return first ? { kind: first.kind, order: first.order, total: stops.length } : null;
}

/**
 * What the stop is, in words: "Pick up QC-1234 at Bandra West", "Deliver QC-1234 to 21 Pali
 * Hill Road"; with several orders on the trip, "4 stops left · " before it.
 */
export function stopHeadline(stop: CurrentStop, orderCount: number): string {
  const { order } = stop;
  const what =
    stop.kind === 'pickup'
      ? `Pick up ${order.orderNumber}${order.store?.name ? ` at ${order.store.name}` : ''}`
      : `Deliver ${order.orderNumber}${order.deliveryAddress.street ? ` to ${order.deliveryAddress.street}` : ''}`;
  return orderCount > 1 ? `${stop.total} stops left · ${what}` : what;
}
