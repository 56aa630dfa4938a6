/**
 * Totals: the items total, the delivery fee and the total as the server computed them. A
 * fee or total that is not known for the lines shown (some are short, or the check is
 * still running) is not shown: `pending` says why instead.
 */
import { Divider, Stack, Typography } from '@mui/material';
import { formatMoney } from '@/lib/format';
import { feeLabel, type CartTotals } from '@/features/customer/utils/cart-math';

export function OrderSummary({
  subtotal,
  deliveryFee,
  total,
  savings,
  pending,
}: {
  subtotal: number;
  deliveryFee: number | null;
  total: number | null;
  savings?: number;
  /** Shown instead of the fee and the total while they are not known. */
  pending?: string;
}) {
  const known = deliveryFee !== null && total !== null;
  return (
    <Stack spacing={0.5} data-testid="order-summary" data-priced={known ? 'true' : 'false'}>
      <Row label="Items" value={formatMoney(subtotal)} testId="summary-subtotal" />
      {known ? (
        <>
          <Row label="Delivery fee" value={feeLabel(deliveryFee)} testId="summary-fee" />
          {savings ? <Row label="You save" value={formatMoney(savings)} /> : null}
          <Divider />
          <Row label="Total" value={formatMoney(total)} strong testId="summary-total" />
        </>
      ) : (
        pending && (
          <Typography variant="body2" color="text.secondary" data-testid="summary-pending">
            {pending}
          </Typography>
        )
      )}
    </Stack>
  );
}

/** The summary of a cart: its lines' sum, and the server's fee and total once every line can be had. */
export function CartSummary({ totals, checking }: { totals: CartTotals; checking: boolean }) {
  const pending =
    totals.shortLines > 0
      ? `Update or remove ${totals.shortLines === 1 ? 'the item' : `the ${totals.shortLines} items`} marked above to see the delivery fee and total.`
      : checking || !totals.checked
        ? 'Checking stock, delivery fee and total…'
        : 'The total will show once the cart is checked.';
  return (
    <OrderSummary
      subtotal={totals.itemsTotal}
      deliveryFee={totals.priced?.deliveryFee ?? null}
      total={totals.priced?.total ?? null}
      savings={totals.savings}
      pending={pending}
    />
  );
}

function Row({ label, value, strong, testId }: { label: string; value: string; strong?: boolean; testId?: string }) {
  return (
    <Stack direction="row" sx={{ justifyContent: 'space-between', gap: 1 }}>
      <Typography sx={{ fontWeight: strong ? 700 : 400 }}>{label}</Typography>
      <Typography sx={{ fontWeight: strong ? 700 : 500, whiteSpace: 'nowrap' }} data-testid={testId}>
        {value}
      </Typography>
    </Stack>
  );
}
