/** A polite, dismissible offer to turn on browser notifications (never asked on load). */
import { useState } from 'react';
import { Alert, Button } from '@mui/material';
import { notificationPermission, requestNotificationPermission } from '@/lib/browser-notify';
import { unlockAudio } from '@/lib/sound';

const DISMISSED_KEY = 'qc.notify.dismissed';

export function NotificationPrompt({ message }: { message: string }) {
  const [permission, setPermission] = useState(notificationPermission);
  const [dismissed, setDismissed] = useState(() => {
    try {
      return localStorage.getItem(DISMISSED_KEY) === '1';
    } catch {
      return false;
    }
  });
  if (permission !== 'default' || dismissed) return null;

  const dismiss = () => {
    setDismissed(true);
    try {
      localStorage.setItem(DISMISSED_KEY, '1');
    } catch {
      // Not remembered; asked again next visit.
    }
  };
  return (
    <Alert
      severity="info"
      sx={{ mb: 2 }}
      data-testid="notification-prompt"
      action={
        <>
          <Button
            color="inherit"
            size="small"
            aria-label="Enable browser notifications"
            onClick={async () => {
              unlockAudio();
              setPermission(await requestNotificationPermission());
            }}
          >
            Enable
          </Button>
          <Button color="inherit" size="small" aria-label="Not now" onClick={dismiss}>
            Not now
          </Button>
        </>
      }
    >
      {message}
    </Alert>
  );
}
