/**
 * The admin dashboard's live activity in words, each line naming its order
 * ("QC-1234 picked up"). Events carry the order's id; its number comes with
 * `order:created` or is looked up once (see dashboard-page.tsx). Until it is known the
 * line says "Order …".
 */
import { formatMoney } from '@/lib/format';
import { cancelledByText, NO_PARTNER_AVAILABLE, statusLabel } from '@/lib/order-status';

export type ActivityEvent =
  | { kind: 'created'; itemCount: number; payout: number }
  | { kind: 'accepted'; partnerName: string | null | undefined }
  | { kind: 'status'; status: string }
  | { kind: 'cancelled'; by: string | null | undefined; reason: string | null | undefined }
  | { kind: 'code-locked' }
  | { kind: 'code-reset' };

/** One line of the feed. */
export function activityText(event: ActivityEvent, orderNumber: string | null | undefined): string {
  const order = orderNumber?.trim() || 'Order';
  switch (event.kind) {
    case 'created':
      return `${order} placed (${event.itemCount} ${event.itemCount === 1 ? 'item' : 'items'}, ${formatMoney(event.payout)} payout)`;
    case 'accepted':
      return `${order} accepted by ${event.partnerName?.trim() || 'a rider'}`;
    case 'status':
      return `${order} ${statusLabel(event.status).toLowerCase()}`;
    case 'cancelled':
      return event.reason === NO_PARTNER_AVAILABLE
        ? `${order} cancelled by the platform: no rider accepted it in time`
        : `${order} cancelled by ${cancelledByText(event.by)}`;
    case 'code-locked':
      return `${order}: delivery code locked after too many wrong codes (reset it)`;
    case 'code-reset':
      return `${order}: new delivery code sent to the customer`;
  }
}
