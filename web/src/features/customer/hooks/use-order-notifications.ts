/** Snackbar and browser notification for every status change of the customer's orders. */
import { useRef } from 'react';
import { useSnackbar } from '@/components/snackbar-provider';
import { useSocketEvent } from '@/hooks/use-socket-event';
import { showBrowserNotification } from '@/lib/browser-notify';
import { NO_PARTNER_AVAILABLE, cancellationText, cancelReasonWords, statusLabel } from '@/lib/order-status';

export function useOrderNotifications(): void {
  const { notify } = useSnackbar();
  const seen = useRef(new Set<string>());

  const once = (orderId: string, seq: number, text: string, severity: 'info' | 'success' | 'warning') => {
    const key = `${orderId}:${seq}`;
    if (seen.current.has(key)) return;
    seen.current.add(key);
    notify(text, severity);
    showBrowserNotification('QuickCommerce', text, `order-${orderId}`);
  };

  useSocketEvent('order:accepted', (e) =>
    once(e.orderId, e.seq, `${e.partnerName} accepted your order and is heading to the store.`, 'info'),
  );
  useSocketEvent('order:status-updated', (e) =>
    once(
      e.orderId,
      e.seq,
      e.status === 'delivered' ? 'Your order was delivered. Enjoy!' : `Your order is ${statusLabel(e.status).toLowerCase()}.`,
      e.status === 'delivered' ? 'success' : 'info',
    ),
  );
  useSocketEvent('order:completed', (e) => once(e.orderId, e.seq, 'Your order was delivered. Enjoy!', 'success'));
  useSocketEvent('order:cancelled', (e) =>
    once(
      e.orderId,
      e.seq,
      e.reason === NO_PARTNER_AVAILABLE
        ? cancellationText(e.reason)
        : e.by === 'customer'
          ? 'Your order was cancelled.'
          : `Your order was cancelled${e.reason ? `: ${cancelReasonWords(e.reason)}` : '.'}`,
      'warning',
    ),
  );
  useSocketEvent('order:code-locked', (e) =>
    once(
      e.orderId,
      e.seq,
      'Your rider entered a wrong code too many times. Our support team will send you a new code.',
      'warning',
    ),
  );
  useSocketEvent('order:code-reset', (e) =>
    once(
      e.orderId,
      e.seq,
      e.confirmationCode ? `Your new delivery code is ${e.confirmationCode}.` : 'You have a new delivery code.',
      'info',
    ),
  );
}
