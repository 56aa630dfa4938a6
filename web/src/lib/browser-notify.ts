/** Browser notifications (the Notification API), asked for politely, never on load. */

export type NotifyPermission = 'granted' | 'denied' | 'default' | 'unsupported';

export function notificationPermission(): NotifyPermission {
  if (typeof window === 'undefined' || !('Notification' in window)) return 'unsupported';
  return Notification.permission;
}

/** Ask for permission; call from a click handler only. */
export async function requestNotificationPermission(): Promise<NotifyPermission> {
  if (notificationPermission() === 'unsupported') return 'unsupported';
  try {
    return await Notification.requestPermission();
  } catch {
    return notificationPermission();
  }
}

/** Show a notification when allowed; silently does nothing otherwise. */
export function showBrowserNotification(title: string, body: string, tag?: string): void {
  if (notificationPermission() !== 'granted') return;
  try {
    const n = new Notification(title, { body, tag, icon: '/favicon.svg' });
    n.onclick = () => {
      window.focus();
      n.close();
    };
  } catch {
    // Some platforms only allow notifications from a service worker.
  }
}
