import { IconButton, Stack, Typography } from '@mui/material';
import { AddIcon, RemoveIcon } from '@/components/icons';

export function QuantityStepper({
  name,
  quantity,
  max,
  onChange,
  testId,
}: {
  name: string;
  quantity: number;
  max: number;
  onChange: (quantity: number) => void;
  testId?: string;
}) {
  return (
    <Stack direction="row" spacing={0.5} data-testid={testId ?? 'quantity-stepper'} sx={{ alignItems: 'center' }}>
      <IconButton
        size="small"
        aria-label={`Remove one ${name}`}
        onClick={() => onChange(quantity - 1)}
        data-testid="qty-decrease"
        sx={{ border: 1, borderColor: 'divider' }}
      >
        <RemoveIcon fontSize="small" />
      </IconButton>
      <Typography sx={{ minWidth: 28, textAlign: 'center', fontWeight: 700 }} aria-live="polite" data-testid="qty-value">
        {quantity}
      </Typography>
      <IconButton
        size="small"
        aria-label={`Add one more ${name}`}
        onClick={() => onChange(quantity + 1)}
        disabled={quantity >= max}
        data-testid="qty-increase"
        sx={{ border: 1, borderColor: 'divider' }}
      >
        <AddIcon fontSize="small" />
      </IconButton>
    </Stack>
  );
}
