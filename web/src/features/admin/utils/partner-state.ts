/**
 * One word for where a partner stands, the same on the partners table, its map and the
 * dashboard: a partner who is not connected is offline, whatever their availability
 * switch says (dispatch does not reach them), never "available".
 */
export type PartnerState = 'offline' | 'delivering' | 'available' | 'off_shift';

export interface PartnerFacts {
  online: boolean;
  isAvailable: boolean;
  activeOrders: number;
}

export function partnerState(p: PartnerFacts): PartnerState {
  if (!p.online) return 'offline';
  if (p.activeOrders > 0) return 'delivering';
  return p.isAvailable ? 'available' : 'off_shift';
}

const LABELS: Record<PartnerState, string> = {
  offline: 'Offline',
  delivering: 'Delivering',
  available: 'Waiting for orders',
  off_shift: 'Not taking orders',
};

export function partnerStateLabel(state: PartnerState): string {
  return LABELS[state];
}

/**
 * The availability cell: the switch as the partner set it, and for one who is not
 * connected that it does not count now ("On, but offline"), so the table never says
 * "available" of someone dispatch cannot reach.
 */
export function availabilityText(p: PartnerFacts): string {
  if (!p.isAvailable) return 'Off';
  return p.online ? 'Available' : 'On, but offline';
}

/** The dashboard's line under "Partners online": the switch counts as what they are. */
export function partnerCountsText(counts: { available: number; busy: number }): string {
  return `${counts.available} switched on · ${counts.busy} delivering`;
}
