import { PlaceIcon } from '@/components/icons';
/**
 * What the customer is told when the store for their place cannot take an order now:
 * closed, very busy (with the minutes it would take), or no store delivers there at all
 * (with the stores nearest to them).
 */
import { useEffect, useState } from 'react';
import { Alert, Box, Button, Card, CardContent, Chip, Stack, Typography } from '@mui/material';
import { formatDistance } from '@/lib/format';
import { nearestStores, storesApi, storeStateColor, storeStateLabel, type NearbyStore } from '@/lib/stores';
import { useDeliveryLocation } from '@/features/customer/hooks/use-delivery-location';
import { placePoint, placeTitle } from '@/features/customer/utils/place';

/** A banner for a closed or very busy store (nothing when it is open). */
export function StoreStateBanner({ compact = false }: { compact?: boolean }) {
  const { words, service, refresh, checking } = useDeliveryLocation();
  if (words.tone !== 'closed' && words.tone !== 'busy') return null;
  const name = service?.store?.name ?? 'The store';
  const minutes = service?.promise?.minutes;
  return (
    <Alert
      severity="warning"
      sx={{ mb: compact ? 0 : 2 }}
      data-testid={words.tone === 'closed' ? 'store-closed' : 'store-busy'}
      role="status"
      action={
        <Button color="inherit" size="small" onClick={() => void refresh()} disabled={checking} aria-label="Check the store again">
          Check again
        </Button>
      }
    >
      {words.tone === 'closed'
        ? `${name} is closed now. You can browse and fill your cart; ordering opens when the store does.`
        : `${name} is very busy right now: delivery would take ~${minutes ?? '?'} min, longer than it promises. Please try again in a little while.`}
    </Alert>
  );
}

/** "We don't deliver here yet", the stores nearest the place, and a way to change it. */
export function NotServedState() {
  const { place, setSheetOpen } = useDeliveryLocation();
  const [nearby, setNearby] = useState<NearbyStore[] | null>(null);
  const point = placePoint(place);

  useEffect(() => {
    const controller = new AbortController();
    storesApi
      .list(controller.signal)
      .then((r) => setNearby(point ? nearestStores(r.stores, point) : r.stores.map((store) => ({ store, meters: NaN }))))
      .catch(() => setNearby([]));
    return () => controller.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [point?.lat, point?.lng]);

  return (
    <Card data-testid="not-serviceable" sx={{ textAlign: 'center' }}>
      <CardContent sx={{ py: 4 }}>
        <PlaceIcon sx={{ fontSize: 44, color: 'text.secondary' }} aria-hidden />
        <Typography variant="h6" component="h1" sx={{ fontWeight: 800 }}>
          We don&apos;t deliver here yet
        </Typography>
        <Typography color="text.secondary" sx={{ mb: 2 }}>
          {placeTitle(place)} is outside the areas our stores deliver to. Try another address, or an area near one of our stores.
        </Typography>
        <Button variant="contained" onClick={() => setSheetOpen(true)} aria-label="Change the delivery location" data-testid="not-serviceable-change">
          Change location
        </Button>
        {nearby && nearby.length > 0 && (
          <Box sx={{ mt: 3, textAlign: 'left', maxWidth: 420, mx: 'auto' }}>
            <Typography variant="subtitle2" component="h2">
              {point ? 'Our nearest stores' : 'Our stores'}
            </Typography>
            <Stack component="ul" spacing={1} sx={{ listStyle: 'none', p: 0, m: 0, mt: 1 }} data-testid="nearest-stores">
              {nearby.slice(0, 4).map(({ store, meters }) => (
                <Stack component="li" direction="row" key={store.id} sx={{ alignItems: 'center', gap: 1 }} data-testid="nearest-store" data-store-code={store.code}>
                  <Box sx={{ flexGrow: 1 }}>
                    <Typography variant="body2" sx={{ fontWeight: 600 }}>
                      {store.name}
                    </Typography>
                    <Typography variant="caption" color="text.secondary">
                      {Number.isFinite(meters) ? `${formatDistance(meters)} away` : store.code}
                    </Typography>
                  </Box>
                  <Chip size="small" variant="outlined" label={storeStateLabel(store.state)} color={storeStateColor(store.state)} />
                </Stack>
              ))}
            </Stack>
          </Box>
        )}
      </CardContent>
    </Card>
  );
}
