/** Order statuses as the server names them, their labels, and the partner's next step. */

export const ORDER_FLOW = ['pending', 'accepted', 'picked_up', 'on_the_way', 'delivered'] as const;
export type FlowStatus = (typeof ORDER_FLOW)[number];
export type OrderStatus = FlowStatus | 'cancelled';
export const ALL_STATUSES: readonly OrderStatus[] = [...ORDER_FLOW, 'cancelled'];

const LABELS: Record<string, string> = {
  pending: 'Placed',
  accepted: 'Accepted',
  picked_up: 'Picked up',
  on_the_way: 'On the way',
  delivered: 'Delivered',
  cancelled: 'Cancelled',
};

export function statusLabel(status: string): string {
  return LABELS[status] ?? status.replace(/_/g, ' ');
}

/** Where a status sits in the flow (-1 for cancelled or unknown). */
export function statusIndex(status: string): number {
  return (ORDER_FLOW as readonly string[]).indexOf(status);
}

export function isActiveStatus(status: string): boolean {
  return status === 'accepted' || status === 'picked_up' || status === 'on_the_way';
}

export function isFinalStatus(status: string): boolean {
  return status === 'delivered' || status === 'cancelled';
}

/** The one status a partner may move an order to next, or null. */
export function nextPartnerStatus(status: string): 'picked_up' | 'on_the_way' | 'delivered' | null {
  switch (status) {
    case 'accepted':
      return 'picked_up';
    case 'picked_up':
      return 'on_the_way';
    case 'on_the_way':
      return 'delivered';
    default:
      return null;
  }
}

export function nextStatusAction(status: string): string | null {
  switch (nextPartnerStatus(status)) {
    case 'picked_up':
      return 'Mark picked up';
    case 'on_the_way':
      return 'Start delivery';
    case 'delivered':
      return 'Deliver with code';
    default:
      return null;
  }
}

export type StatusColor = 'default' | 'info' | 'primary' | 'secondary' | 'success' | 'error' | 'warning';

export function statusColor(status: string): StatusColor {
  switch (status) {
    case 'pending':
      return 'warning';
    case 'accepted':
      return 'info';
    case 'picked_up':
    case 'on_the_way':
      return 'primary';
    case 'delivered':
      return 'success';
    case 'cancelled':
      return 'error';
    default:
      return 'default';
  }
}
