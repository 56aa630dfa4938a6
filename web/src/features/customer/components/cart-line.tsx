import { Box, Button, Stack, Typography } from '@mui/material';
import { formatMoney } from '@/lib/format';
import { maxQuantity, type CartLineView } from '@/features/customer/utils/cart-math';
import { QuantityStepper } from '@/features/customer/components/quantity-stepper';

/**
 * One cart line at the price the server last gave. A line the store cannot fill says why
 * and offers the way out: "Update to N" (what is left) or "Remove".
 */
export function CartLine({
  line,
  onQuantity,
  onRemove,
}: {
  line: CartLineView;
  onQuantity: (productId: string, quantity: number) => void;
  onRemove: (productId: string) => void;
}) {
  const { item, issue, available } = line;
  const max = Math.max(maxQuantity(available ?? item.stock), 1);
  return (
    <Box
      sx={{ py: 1, borderBottom: 1, borderColor: 'divider', '&:last-of-type': { borderBottom: 0 } }}
      data-testid="cart-line"
      data-product-id={item.productId}
      data-quantity={item.quantity}
      data-line-total={line.total}
      data-short={issue ? 'true' : 'false'}
    >
      <Stack direction="row" spacing={1.5} sx={{ alignItems: 'center' }}>
        <Box component="img" src={item.imageUrl} alt="" sx={{ width: 48, height: 48, objectFit: 'contain', bgcolor: '#f0f4f1', borderRadius: 1.5, flexShrink: 0 }} />
        <Box sx={{ flexGrow: 1, minWidth: 0 }}>
          <Typography variant="body2" sx={{ fontWeight: 600 }} noWrap title={item.name}>
            {item.name}
          </Typography>
          <Typography variant="caption" color="text.secondary" component="p" noWrap>
            {item.unit} · {formatMoney(line.price)} each
          </Typography>
        </Box>
        <Typography variant="body2" sx={{ fontWeight: 700, flexShrink: 0 }} data-testid="line-total">
          {formatMoney(line.total)}
        </Typography>
      </Stack>
      <Stack direction="row" sx={{ alignItems: 'center', justifyContent: 'space-between', gap: 1, mt: 0.5, pl: { xs: 0, sm: 7.5 }, flexWrap: 'wrap' }}>
        <QuantityStepper name={item.name} quantity={item.quantity} max={max} onChange={(q) => onQuantity(item.productId, q)} />
        {issue && (
          <Stack direction="row" sx={{ alignItems: 'center', gap: 0.5, flexWrap: 'wrap', justifyContent: 'flex-end', ml: 'auto' }}>
            <Typography variant="body2" color="error" sx={{ fontWeight: 600, mr: 0.5 }} role="alert" data-testid={`line-issue-${item.productId}`}>
              {issue}
            </Typography>
            {available !== null && available > 0 && available < item.quantity && (
              <Button
                size="small"
                variant="outlined"
                sx={{ minHeight: 44 }}
                onClick={() => onQuantity(item.productId, Math.min(available, maxQuantity(available)))}
                aria-label={`Update ${item.name} to ${available}`}
                data-testid="line-update"
              >
                Update to {available}
              </Button>
            )}
            <Button
              size="small"
              color="error"
              sx={{ minHeight: 44 }}
              onClick={() => onRemove(item.productId)}
              aria-label={`Remove ${item.name} from the cart`}
              data-testid="line-remove"
            >
              Remove
            </Button>
          </Stack>
        )}
      </Stack>
    </Box>
  );
}
