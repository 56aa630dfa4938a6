/**
 * The store's pick queue, live: `fulfilment:updated` (sent to the store's pickers) moves
 * or removes an order at once; a new order (or a claim by someone else) fetches the
 * queue again, as does every reconnect.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { useReconnect, useSocketEvent } from '@/hooks/use-socket-event';
import { playChime } from '@/lib/sound';
import { pickerApi } from '@/features/picker/api/picker-api';
import { byUrgency, queueAfterEvent } from '@/features/picker/utils/pick-list';
import type { PickerOrderView } from '@/types/fulfilment';

export function usePickerQueue() {
  const [orders, setOrders] = useState<PickerOrderView[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const controller = useRef<AbortController | null>(null);

  const load = useCallback(() => {
    controller.current?.abort();
    const c = new AbortController();
    controller.current = c;
    pickerApi
      .queue(c.signal)
      .then((r) => {
        setOrders([...r.orders].sort(byUrgency));
        setError(null);
      })
      .catch((err: unknown) => {
        if (!c.signal.aborted) setError(err);
      });
  }, []);

  /** Several events in a burst: one fetch. */
  const loadSoon = useCallback(() => {
    if (timer.current) return;
    timer.current = setTimeout(() => {
      timer.current = null;
      load();
    }, 250);
  }, [load]);

  useEffect(() => {
    load();
    return () => {
      controller.current?.abort();
      if (timer.current) clearTimeout(timer.current);
      timer.current = null;
    };
  }, [load]);
  useReconnect(load);

  const latest = useRef(orders);
  latest.current = orders;
  useSocketEvent('fulfilment:updated', (event) => {
    if (event.fulfilment === 'queued') playChime();
    const current = latest.current;
    if (!current) {
      loadSoon();
      return;
    }
    const next = queueAfterEvent(current, event);
    if (next.queue !== current) {
      latest.current = next.queue;
      setOrders(next.queue);
    }
    if (next.refetch) loadSoon();
  });

  return { orders, error, reload: load, setOrders };
}
