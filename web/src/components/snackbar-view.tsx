/** One snackbar message on screen (see snackbar-provider.tsx): loaded with the first message. */
import { Alert, Button, IconButton, Snackbar } from '@mui/material';
import { CloseIcon } from '@/components/icons';
import type { Message } from '@/components/snackbar-provider';

export default function SnackbarView({
  message,
  open,
  phone,
  onClose,
  onExited,
}: {
  message: Message;
  open: boolean;
  phone: boolean;
  onClose: () => void;
  onExited: () => void;
}) {
  return (
    <Snackbar
      open={open}
      autoHideDuration={message.duration ?? (message.action ? 8000 : 4000)}
      onClose={(_, reason) => reason !== 'clickaway' && onClose()}
      slotProps={{ transition: { onExited } }}
      // On a phone, at the bottom (the thumb's reach, for "Undo"), above the shop's "View
      // cart" bar and a drawer's main button; elsewhere at the top.
      anchorOrigin={{ vertical: phone ? 'bottom' : 'top', horizontal: 'center' }}
      sx={phone ? { bottom: 'calc(80px + env(safe-area-inset-bottom)) !important' } : undefined}
    >
      <Alert
        severity={message.severity}
        variant="filled"
        onClose={onClose}
        data-testid="snackbar"
        sx={{ width: '100%', alignItems: 'center' }}
        action={
          message.action ? (
            <>
              <Button
                color="inherit"
                size="small"
                sx={{ fontWeight: 800, minHeight: 44, minWidth: 64 }}
                onClick={() => {
                  message.action?.onClick();
                  onClose();
                }}
                data-testid="snackbar-action"
              >
                {message.action.label}
              </Button>
              <IconButton color="inherit" size="small" sx={{ width: 44, height: 44 }} onClick={() => onClose()} aria-label="Dismiss">
                <CloseIcon fontSize="small" />
              </IconButton>
            </>
          ) : undefined
        }
      >
        {message.text}
      </Alert>
    </Snackbar>
  );
}
