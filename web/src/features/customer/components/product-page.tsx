/** One product with the stock of the store serving the customer's place (live). */
import { Link as RouterLink, useParams } from 'react-router';
import { Box, Button, Card, CardContent, Chip, Stack, Typography } from '@mui/material';
import { ErrorState, LoadingState } from '@/components/page-state';
import { useAsync } from '@/hooks/use-async';
import { useSocketEvent } from '@/hooks/use-socket-event';
import { formatMoney } from '@/lib/format';
import { getProduct } from '@/features/customer/api/catalog-api';
import { useCart } from '@/features/customer/hooks/use-cart';
import { useDeliveryLocation } from '@/features/customer/hooks/use-delivery-location';
import { levelsOfStore, maxQuantity, stockBadge } from '@/features/customer/utils/cart-math';
import { QuantityStepper } from '@/features/customer/components/quantity-stepper';
import { NotServedState, StoreStateBanner } from '@/features/customer/components/service-state';
import { CartBar } from '@/features/customer/components/cart-bar';
import type { ProductResponse } from '@/types/models';

export function ProductPage() {
  const { productId = '' } = useParams();
  const location = useDeliveryLocation();
  const cart = useCart();
  const scopeKey = JSON.stringify(location.scope);
  const product = useAsync<ProductResponse | null>(
    (signal) => (location.scopeReady ? getProduct(productId, location.scope, signal) : Promise.resolve(null)),
    [productId, scopeKey, location.scopeReady],
  );

  useSocketEvent('inventory:updated', (event) => {
    const store = product.data?.store.id;
    const level = levelsOfStore(event.products, store).find((l) => l.productId === productId);
    if (level) product.setData((d) => (d ? { ...d, product: { ...d.product, stock: level.stock, inStock: level.inStock } } : d));
  });

  if (location.words.tone === 'unserved') return <NotServedState />;
  if (product.error !== null && !product.data) return <ErrorState error={product.error} onRetry={product.reload} />;
  if (!product.data) return <LoadingState label="Loading product…" />;

  const { product: p, store } = product.data;
  const inCart = cart.items.find((i) => i.productId === p.id)?.quantity ?? 0;
  const badge = stockBadge(p.stock);
  const discount = p.mrp > p.price ? Math.round(((p.mrp - p.price) / p.mrp) * 100) : 0;
  return (
    <Stack spacing={2} data-testid="product-page" data-product-id={p.id} data-stock={p.stock} data-store-id={store.id}>
      <StoreStateBanner compact />
      <Button component={RouterLink} to="/" sx={{ alignSelf: 'flex-start', minHeight: 44 }} aria-label="Back to the shop">
        ← Shop
      </Button>
      <Card>
        <Box sx={{ display: 'grid', gridTemplateColumns: { xs: 'minmax(0, 1fr)', md: 'minmax(0, 1fr) minmax(0, 1fr)' } }}>
          <Box sx={{ bgcolor: '#f0f4f1', aspectRatio: '4 / 3', position: 'relative' }}>
            <Box component="img" src={p.imageUrl} alt={p.name} sx={{ width: '100%', height: '100%', objectFit: 'contain', display: 'block' }} />
            {discount > 0 && <Chip label={`${discount}% off`} color="secondary" sx={{ position: 'absolute', top: 10, left: 10 }} />}
          </Box>
          <CardContent sx={{ display: 'flex', flexDirection: 'column', gap: 1 }}>
            <Typography variant="caption" color="text.secondary">
              {p.category.name}
              {p.brand ? ` · ${p.brand}` : ''}
            </Typography>
            <Typography variant="h5" component="h1" sx={{ fontWeight: 700 }}>
              {p.name}
            </Typography>
            <Typography color="text.secondary">{p.unit}</Typography>
            <Stack direction="row" spacing={1} sx={{ alignItems: 'baseline' }}>
              <Typography variant="h5" sx={{ fontWeight: 800 }} data-testid="product-price">
                {formatMoney(p.price)}
              </Typography>
              {p.mrp > p.price && (
                <Typography color="text.secondary" sx={{ textDecoration: 'line-through' }} aria-label={`MRP ${formatMoney(p.mrp)}`}>
                  {formatMoney(p.mrp)}
                </Typography>
              )}
            </Stack>
            <Stack direction="row" spacing={1} sx={{ alignItems: 'center', flexWrap: 'wrap' }}>
              <Chip size="small" variant="outlined" label={badge.label} color={badge.color} data-testid="stock-badge" data-stock={p.stock} />
              <Typography variant="caption" color="text.secondary" data-testid="product-store">
                at {store.name}
              </Typography>
            </Stack>
            {p.description && <Typography variant="body2">{p.description}</Typography>}
            <Box sx={{ mt: 1 }}>
              {inCart > 0 ? (
                <QuantityStepper name={p.name} quantity={inCart} max={maxQuantity(p.stock)} onChange={(q) => cart.setQuantity(p.id, q)} />
              ) : (
                <Button
                  variant="contained"
                  size="large"
                  sx={{ minHeight: 48 }}
                  disabled={p.stock <= 0}
                  onClick={() => cart.add(p)}
                  aria-label={`Add ${p.name} to cart`}
                  data-testid="add-to-cart"
                >
                  {p.stock <= 0 ? 'Sold out here' : 'Add to cart'}
                </Button>
              )}
            </Box>
          </CardContent>
        </Box>
      </Card>
      <CartBar />
    </Stack>
  );
}
