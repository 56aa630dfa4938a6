import { memo } from 'react';
import { Link as RouterLink } from 'react-router';
import { Box, Button, Card, CardContent, Chip, Link, Stack, Typography } from '@mui/material';
import { formatMoney } from '@/lib/format';
import { maxQuantity, stockBadge } from '@/features/customer/utils/cart-math';
import { QuantityStepper } from '@/features/customer/components/quantity-stepper';
import type { ProductView } from '@/types/models';

export const ProductCard = memo(function ProductCard({
  product,
  inCart,
  onAdd,
  onQuantity,
}: {
  product: ProductView;
  inCart: number;
  onAdd: (product: ProductView) => void;
  onQuantity: (productId: string, quantity: number) => void;
}) {
  const badge = stockBadge(product.stock);
  const discount = product.mrp > product.price ? Math.round(((product.mrp - product.price) / product.mrp) * 100) : 0;
  return (
    <Card
      sx={{ display: 'flex', flexDirection: 'column', height: '100%' }}
      data-testid="product-card"
      data-product-id={product.id}
      data-stock={product.stock}
      aria-label={product.name}
    >
      <Box
        component={RouterLink}
        to={`/product/${encodeURIComponent(product.id)}`}
        aria-label={`Details of ${product.name}`}
        tabIndex={-1}
        sx={{ position: 'relative', bgcolor: '#f0f4f1', aspectRatio: '4 / 3', display: 'block' }}
      >
        <Box
          component="img"
          src={product.imageUrl}
          alt={product.name}
          loading="lazy"
          sx={{ width: '100%', height: '100%', objectFit: 'contain', display: 'block' }}
        />
        {discount > 0 && (
          <Chip label={`${discount}% off`} size="small" color="secondary" sx={{ position: 'absolute', top: 6, left: 6 }} />
        )}
      </Box>
      <CardContent sx={{ flexGrow: 1, display: 'flex', flexDirection: 'column', gap: 0.5, p: 1.25, '&:last-child': { pb: 1.25 } }}>
        <Link
          component={RouterLink}
          to={`/product/${encodeURIComponent(product.id)}`}
          variant="body2"
          color="inherit"
          underline="hover"
          sx={{ fontWeight: 600, lineHeight: 1.25 }}
          data-testid="product-name"
        >
          {product.name}
        </Link>
        <Typography variant="caption" color="text.secondary">
          {product.unit}
          {product.brand ? ` · ${product.brand}` : ''}
        </Typography>
        <Chip
          size="small"
          variant="outlined"
          label={badge.label}
          color={badge.color}
          data-testid="stock-badge"
          data-stock={product.stock}
          sx={{ alignSelf: 'flex-start' }}
        />
        <Box sx={{ flexGrow: 1 }} />
        <Stack direction="row" sx={{ alignItems: 'center', justifyContent: 'space-between', gap: 1, flexWrap: 'wrap' }}>
          <Box>
            <Typography sx={{ fontWeight: 700 }} data-testid="product-price">
              {formatMoney(product.price)}
            </Typography>
            {product.mrp > product.price && (
              <Typography variant="caption" color="text.secondary" sx={{ textDecoration: 'line-through' }} aria-label={`MRP ${formatMoney(product.mrp)}`}>
                {formatMoney(product.mrp)}
              </Typography>
            )}
          </Box>
          {inCart > 0 ? (
            <QuantityStepper
              name={product.name}
              quantity={inCart}
              max={maxQuantity(product.stock)}
              onChange={(q) => onQuantity(product.id, q)}
            />
          ) : (
            <Button
              variant="outlined"
              size="small"
              disabled={product.stock <= 0}
              onClick={() => onAdd(product)}
              aria-label={`Add ${product.name} to cart`}
              data-testid="add-to-cart"
            >
              {product.stock <= 0 ? 'Sold out' : 'Add'}
            </Button>
          )}
        </Stack>
      </CardContent>
    </Card>
  );
});
