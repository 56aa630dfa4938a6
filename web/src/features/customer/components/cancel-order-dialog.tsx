/** "Cancel this order?" on the tracking page (loaded when first asked for). */
import { useState } from 'react';
import {
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogContentText,
  DialogTitle,
  FormControlLabel,
  Radio,
  RadioGroup,
} from '@mui/material';
import { usePhone } from '@/hooks/use-phone';

const CANCEL_REASONS = [
  'Ordered by mistake',
  'I want to change the items',
  'It is taking too long',
  'I will not be at the address',
  'Another reason',
];

/** "Cancel this order?" — nothing is cancelled until the customer confirms, with a reason. */
export default function CancelOrderDialog({
  open,
  orderNumber,
  busy,
  onClose,
  onConfirm,
}: {
  open: boolean;
  orderNumber: string;
  busy: boolean;
  onClose: () => void;
  onConfirm: (reason: string) => void;
}) {
  const phone = usePhone();
  const [reason, setReason] = useState(CANCEL_REASONS[0]);
  return (
    <Dialog open={open} onClose={busy ? undefined : onClose} fullScreen={phone} fullWidth maxWidth="xs" aria-labelledby="cancel-order-title" data-testid="cancel-order-dialog">
      <DialogTitle id="cancel-order-title">Cancel order {orderNumber}?</DialogTitle>
      <DialogContent>
        <DialogContentText sx={{ mb: 1 }}>
          The store stops packing it and no rider is sent. Nothing is charged: you pay on delivery. This cannot be undone.
        </DialogContentText>
        <RadioGroup aria-label="Why are you cancelling?" value={reason} onChange={(e) => setReason(e.target.value)}>
          {CANCEL_REASONS.map((r) => (
            <FormControlLabel key={r} value={r} control={<Radio />} label={r} sx={{ minHeight: 44 }} />
          ))}
        </RadioGroup>
      </DialogContent>
      <DialogActions sx={{ p: 2, pb: phone ? 'calc(16px + env(safe-area-inset-bottom))' : 2, gap: 1 }}>
        <Button onClick={onClose} disabled={busy} sx={{ minHeight: 44 }} data-testid="cancel-keep" autoFocus>
          Keep my order
        </Button>
        <Button color="error" variant="contained" onClick={() => onConfirm(reason)} disabled={busy} sx={{ minHeight: 44 }} data-testid="cancel-confirm">
          {busy ? 'Cancelling…' : 'Cancel order'}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
