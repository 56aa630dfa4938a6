import { IconButton, Stack, Typography } from '@mui/material';
import { AddIcon, RemoveIcon } from '@/components/icons';

/** − quantity +, each button a 44 px touch target; "−" always steps down by one (at 1 it removes). */
export function QuantityStepper({
  name,
  quantity,
  max,
  onChange,
  testId,
  fullWidth = false,
}: {
  name: string;
  quantity: number;
  max: number;
  onChange: (quantity: number) => void;
  testId?: string;
  /** Spread over the whole width (product cards). */
  fullWidth?: boolean;
}) {
  const button = { width: 44, height: 44, border: 1, borderColor: 'divider', flexShrink: 0 } as const;
  return (
    <Stack
      direction="row"
      spacing={0.5}
      data-testid={testId ?? 'quantity-stepper'}
      sx={{ alignItems: 'center', justifyContent: 'space-between', width: fullWidth ? '100%' : undefined }}
    >
      <IconButton
        aria-label={quantity <= 1 ? `Remove ${name} from the cart` : `Remove one ${name}`}
        onClick={() => onChange(quantity - 1)}
        data-testid="qty-decrease"
        sx={button}
      >
        <RemoveIcon fontSize="small" />
      </IconButton>
      <Typography sx={{ minWidth: 28, textAlign: 'center', fontWeight: 700 }} aria-live="polite" data-testid="qty-value">
        {quantity}
      </Typography>
      <IconButton
        aria-label={`Add one more ${name}`}
        onClick={() => onChange(quantity + 1)}
        disabled={quantity >= max}
        data-testid="qty-increase"
        sx={button}
      >
        <AddIcon fontSize="small" />
      </IconButton>
    </Stack>
  );
}
