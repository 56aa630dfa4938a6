/** Totals as computed by the server (subtotal, delivery fee, total). */
import { Divider, Stack, Typography } from '@mui/material';
import { formatMoney } from '@/lib/format';
import { feeLabel } from '@/features/customer/utils/cart-math';

export function OrderSummary({
  subtotal,
  deliveryFee,
  total,
  savings,
}: {
  subtotal: number;
  deliveryFee: number;
  total: number;
  savings?: number;
}) {
  return (
    <Stack spacing={0.5} data-testid="order-summary">
      <Row label="Items" value={formatMoney(subtotal)} testId="summary-subtotal" />
      <Row label="Delivery fee" value={feeLabel(deliveryFee)} testId="summary-fee" />
      {savings ? <Row label="You save" value={formatMoney(savings)} /> : null}
      <Divider />
      <Row label="Total" value={formatMoney(total)} strong testId="summary-total" />
    </Stack>
  );
}

function Row({ label, value, strong, testId }: { label: string; value: string; strong?: boolean; testId?: string }) {
  return (
    <Stack direction="row" sx={{ justifyContent: 'space-between' }}>
      <Typography sx={{ fontWeight: strong ? 700 : 400 }}>{label}</Typography>
      <Typography sx={{ fontWeight: strong ? 700 : 500 }} data-testid={testId}>
        {value}
      </Typography>
    </Stack>
  );
}
