import { memo } from 'react';
import { Link as RouterLink } from 'react-router';
import { Box, Button, Card, Chip, Link, Stack, Typography } from '@mui/material';
import { formatMoney } from '@/lib/format';
import { maxQuantity, stockBadge } from '@/features/customer/utils/cart-math';
import { QuantityStepper } from '@/features/customer/components/quantity-stepper';
import type { ProductView } from '@/types/models';

/**
 * A product in the grid. Compact on phones (two rows fit above the fold): the discount and
 * the stock sit on the picture, and the action (a 44 px "Add" or the − n + stepper) spans
 * the card.
 */
export const ProductCard = memo(function ProductCard({
  product,
  inCart,
  onAdd,
  onQuantity,
  eager = false,
}: {
  product: ProductView;
  inCart: number;
  /** One of the first cards, seen without scrolling: its picture is fetched at once, first. */
  eager?: boolean;
  onAdd: (product: ProductView) => void;
  onQuantity: (productId: string, quantity: number) => void;
}) {
  const badge = stockBadge(product.stock);
  const discount = product.mrp > product.price ? Math.round(((product.mrp - product.price) / product.mrp) * 100) : 0;
  return (
    <Card
      sx={{ display: 'flex', flexDirection: 'column', height: '100%', minWidth: 0 }}
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
        sx={{ position: 'relative', bgcolor: '#f0f4f1', aspectRatio: { xs: '2 / 1', sm: '4 / 3' }, display: 'block', overflow: 'hidden' }}
      >
        <Box
          component="img"
          src={product.imageUrl}
          alt={product.name}
          loading={eager ? 'eager' : 'lazy'}
          fetchPriority={eager ? 'high' : 'auto'}
          sx={{ position: 'absolute', inset: 0, width: '100%', height: '100%', objectFit: 'contain', display: 'block' }}
        />
        {discount > 0 && (
          <Chip label={`${discount}% off`} size="small" color="secondary" sx={{ position: 'absolute', top: 6, left: 6, height: 22 }} />
        )}
        <Chip
          size="small"
          variant="outlined"
          label={badge.label}
          color={badge.color}
          data-testid="stock-badge"
          data-stock={product.stock}
          sx={{ position: 'absolute', bottom: 6, left: 6, height: 22, fontWeight: 600, bgcolor: 'background.paper' }}
        />
      </Box>
      <Box sx={{ flexGrow: 1, display: 'flex', flexDirection: 'column', gap: 0.25, p: 1 }}>
        <Link
          component={RouterLink}
          to={`/product/${encodeURIComponent(product.id)}`}
          variant="body2"
          color="inherit"
          underline="hover"
          sx={{
            fontWeight: 600,
            lineHeight: 1.25,
            display: '-webkit-box',
            WebkitLineClamp: 2,
            WebkitBoxOrient: 'vertical',
            overflow: 'hidden',
            overflowWrap: 'anywhere',
          }}
          data-testid="product-name"
        >
          {product.name}
        </Link>
        <Typography variant="caption" color="text.secondary" noWrap>
          {product.unit}
          {product.brand ? ` · ${product.brand}` : ''}
        </Typography>
        <Box sx={{ flexGrow: 1 }} />
        <Stack direction="row" sx={{ alignItems: 'baseline', gap: 0.75, flexWrap: 'wrap', mb: 0.5 }}>
          <Typography sx={{ fontWeight: 700 }} data-testid="product-price">
            {formatMoney(product.price)}
          </Typography>
          {product.mrp > product.price && (
            <Typography variant="caption" color="text.secondary" sx={{ textDecoration: 'line-through' }} aria-label={`MRP ${formatMoney(product.mrp)}`}>
              {formatMoney(product.mrp)}
            </Typography>
          )}
        </Stack>
        {inCart > 0 ? (
          <QuantityStepper
            name={product.name}
            quantity={inCart}
            max={maxQuantity(product.stock)}
            onChange={(q) => onQuantity(product.id, q)}
            fullWidth
          />
        ) : (
          <Button
            variant="outlined"
            fullWidth
            disabled={product.stock <= 0}
            onClick={() => onAdd(product)}
            aria-label={`Add ${product.name} to cart`}
            data-testid="add-to-cart"
            sx={{ minHeight: 44 }}
          >
            {product.stock <= 0 ? 'Sold out' : 'Add'}
          </Button>
        )}
      </Box>
    </Card>
  );
});
