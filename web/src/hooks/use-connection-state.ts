import { useSyncExternalStore } from 'react';
import { realtime, type ConnectionState } from '@/lib/socket';

/** The realtime connection's state, re-rendering on change. */
export function useConnectionState(): ConnectionState {
  return useSyncExternalStore(
    (onChange) => realtime.onStateChange(onChange),
    () => realtime.connectionState,
    () => 'idle' as ConnectionState,
  );
}
