import { Box, Stack, Typography } from '@mui/material';
import { formatMoney } from '@/lib/format';
import { lineTotal, maxQuantity, type CartItem } from '@/features/customer/utils/cart-math';
import { QuantityStepper } from '@/features/customer/components/quantity-stepper';

export function CartLine({
  item,
  issue,
  onQuantity,
}: {
  item: CartItem;
  issue?: string;
  onQuantity: (productId: string, quantity: number) => void;
}) {
  return (
    <Stack direction="row" spacing={1.5} data-testid="cart-line" data-product-id={item.productId} sx={{ alignItems: 'center', py: 1 }}>
      <Box component="img" src={item.imageUrl} alt="" sx={{ width: 52, height: 52, objectFit: 'contain', bgcolor: '#f0f4f1', borderRadius: 1.5, flexShrink: 0 }} />
      <Box sx={{ flexGrow: 1, minWidth: 0 }}>
        <Typography variant="body2" sx={{ fontWeight: 600 }} noWrap title={item.name}>
          {item.name}
        </Typography>
        <Typography variant="caption" color="text.secondary">
          {item.unit} · {formatMoney(item.price)}
        </Typography>
        {issue && (
          <Typography variant="caption" color="error" component="p" role="alert" data-testid={`line-issue-${item.productId}`}>
            {issue}
          </Typography>
        )}
      </Box>
      <Stack spacing={0.5} sx={{ alignItems: 'flex-end' }}>
        <QuantityStepper
          name={item.name}
          quantity={item.quantity}
          max={Math.max(maxQuantity(item.stock), 1)}
          onChange={(q) => onQuantity(item.productId, q)}
        />
        <Typography variant="body2" sx={{ fontWeight: 700 }} data-testid="line-total">
          {formatMoney(lineTotal(item))}
        </Typography>
      </Stack>
    </Stack>
  );
}
