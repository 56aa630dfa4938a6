import { useEffect, useRef } from 'react';
import { realtime, type ServerEventName, type ServerEvents } from '@/lib/socket';

/** Subscribe to one server event for the component's lifetime (latest handler wins). */
export function useSocketEvent<E extends ServerEventName>(
  event: E,
  handler: (payload: ServerEvents[E]) => void,
): void {
  const ref = useRef(handler);
  ref.current = handler;
  useEffect(() => realtime.on(event, (payload) => ref.current(payload)), [event]);
}

/** Run `handler` after every reconnect (to refetch lists that may have missed events). */
export function useReconnect(handler: () => void): void {
  const ref = useRef(handler);
  ref.current = handler;
  useEffect(() => realtime.onReconnect(() => ref.current()), []);
}
