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

/** A code in words ("packing_started" → "Packing started"), for codes the app does not know yet. */
export function codeWords(code: string): string {
  const words = code.replace(/[_.-]+/g, ' ').replace(/([a-z0-9])([A-Z])/g, '$1 $2').trim().toLowerCase();
  return words ? `${words.charAt(0).toUpperCase()}${words.slice(1)}` : '';
}

/** A status as people say it ("Picked up"), never the raw code. */
export function statusLabel(status: string): string {
  return LABELS[status] ?? (codeWords(status) || 'Unknown');
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

/** `cancelReason` of an order the platform cancelled because no rider accepted it in time. */
export const NO_PARTNER_AVAILABLE = 'no_partner_available';

const CANCEL_REASONS: Record<'customer' | 'staff', Record<string, string>> = {
  customer: {
    [NO_PARTNER_AVAILABLE]:
      'No rider was available for your order, so we cancelled it. Nothing was charged and the items went back on the shelf.',
  },
  staff: {
    [NO_PARTNER_AVAILABLE]: 'No rider accepted it in time, so the platform cancelled it.',
  },
};

/** Whether a reason is a code of the platform (`no_partner_available`) rather than words someone typed. */
function isReasonCode(reason: string): boolean {
  return /^[a-z]+(_[a-z]+)+$/.test(reason);
}

/** A cancel reason in words: a code of the platform spelled out, words someone typed as typed. */
export function cancelReasonWords(reason: string): string {
  if (!isReasonCode(reason)) return reason;
  const words = reason.replace(/_/g, ' ');
  return `${words.charAt(0).toUpperCase()}${words.slice(1)}`;
}

/**
 * Why an order was cancelled, as a sentence: the platform's reasons explained, a reason
 * typed by the customer or an admin as typed.
 */
export function cancellationText(reason: string | null | undefined, audience: 'customer' | 'staff' = 'customer'): string {
  if (!reason) return 'Cancelled';
  return CANCEL_REASONS[audience][reason] ?? `Cancelled: ${cancelReasonWords(reason)}`;
}

/** Who cancelled, in words (`by` of `order:cancelled`). */
export function cancelledByText(by: string | null | undefined): string {
  switch (by) {
    case 'customer':
      return 'the customer';
    case 'admin':
      return 'support';
    case 'system':
      return 'the platform';
    default:
      return 'someone';
  }
}
