/**
 * Choose where to deliver: a saved address (each with its store and promise), the
 * device's location, a pin dropped on a map (the map loads only when asked for), or a
 * PIN code. A bottom sheet on phones, a dialog on larger screens.
 */
import { lazy, Suspense, useEffect, useState, type FormEvent } from 'react';
import {
  Alert,
  Box,
  Button,
  ButtonBase,
  Chip,
  Dialog,
  DialogContent,
  DialogTitle,
  Divider,
  IconButton,
  Skeleton,
  Stack,
  TextField,
  Typography,
} from '@mui/material';
import { AddIcon, CloseIcon, MapIcon, MyLocationIcon } from '@/components/icons';
import { errorMessage } from '@/lib/api-client';
import { usePhone } from '@/hooks/use-phone';
import { checkServiceability } from '@/features/customer/api/catalog-api';
import { useDeliveryLocation } from '@/features/customer/hooks/use-delivery-location';
import { AddressFormDialog } from '@/features/customer/components/address-form-dialog';
import { describeService, placeFromAddress, placePoint, type Place } from '@/features/customer/utils/place';
import type { SavedAddressView, ServiceabilityResponse } from '@/types/models';

const LocationMapPicker = lazy(() => import('@/features/customer/components/location-map-picker'));

type Mode = 'list' | 'map';

function ServiceChip({ res }: { res: ServiceabilityResponse | null | undefined }) {
  if (res === undefined) return <Skeleton variant="rounded" width={84} height={22} />;
  if (res === null) return null;
  const w = describeService(res);
  const label =
    w.tone === 'open'
      ? `${res.promise?.minutes ?? '?'} min · ${res.store?.code ?? ''}`
      : w.tone === 'busy'
        ? `Busy${res.promise ? ` ~${res.promise.minutes} min` : ''}`
        : w.tone === 'closed'
          ? `${res.store?.code ?? 'Store'} closed`
          : 'Not served';
  const color = w.tone === 'open' ? 'success' : w.tone === 'busy' ? 'warning' : w.tone === 'closed' ? 'default' : 'error';
  return <Chip size="small" variant="outlined" color={color} label={label} data-testid="address-service" data-tone={w.tone} />;
}

/** Default export: loaded the first time the sheet opens (see customer-app). */
export default function LocationSheet() {
  const location = useDeliveryLocation();
  const phone = usePhone();
  const { sheetOpen, setSheetOpen, addresses, place, setPlace } = location;
  const [mode, setMode] = useState<Mode>('list');
  const [zip, setZip] = useState('');
  const [zipBusy, setZipBusy] = useState(false);
  const [zipError, setZipError] = useState<string | null>(null);
  const [locating, setLocating] = useState(false);
  const [geoError, setGeoError] = useState<string | null>(null);
  const [adding, setAdding] = useState(false);
  const [perAddress, setPerAddress] = useState<Record<string, ServiceabilityResponse | null>>({});

  const close = () => setSheetOpen(false);
  const choose = (next: Place) => {
    setPlace(next);
    close();
  };

  useEffect(() => {
    if (!sheetOpen) return;
    setMode('list');
    setZipError(null);
    setGeoError(null);
    void location.reloadAddresses();
    // Opening the sheet is a good moment to check the current place again too.
    void location.refresh();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [sheetOpen]);

  // Each saved address with the store that serves it and its promise now.
  useEffect(() => {
    if (!sheetOpen || !addresses) return;
    const controller = new AbortController();
    setPerAddress({});
    for (const a of addresses) {
      checkServiceability({ addressId: a.id }, controller.signal)
        .then((res) => setPerAddress((m) => ({ ...m, [a.id]: res })))
        .catch(() => !controller.signal.aborted && setPerAddress((m) => ({ ...m, [a.id]: null })));
    }
    return () => controller.abort();
  }, [sheetOpen, addresses]);

  function locateDevice() {
    if (!('geolocation' in navigator)) {
      setGeoError('Location is not available in this browser. Pick a point on the map instead.');
      return;
    }
    setLocating(true);
    setGeoError(null);
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        setLocating(false);
        choose({ kind: 'point', source: 'gps', lat: pos.coords.latitude, lng: pos.coords.longitude });
      },
      (err) => {
        setLocating(false);
        setGeoError(
          err.code === err.PERMISSION_DENIED
            ? 'Location permission was denied. Pick a point on the map or enter your PIN code.'
            : 'Could not get your location. Pick a point on the map or enter your PIN code.',
        );
      },
      { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 },
    );
  }

  async function checkZip(event: FormEvent) {
    event.preventDefault();
    const code = zip.trim();
    if (!/^\d{6}$/.test(code)) {
      setZipError('Enter a 6-digit PIN code.');
      return;
    }
    setZipBusy(true);
    setZipError(null);
    try {
      const res = await checkServiceability({ zipCode: code });
      if (!res.store) setZipError(`We don't deliver to ${code} yet. Try a nearby PIN code or pick your address on the map.`);
      else choose({ kind: 'zip', zipCode: code });
    } catch (err) {
      setZipError(errorMessage(err));
    } finally {
      setZipBusy(false);
    }
  }

  const selectedAddress = place?.kind === 'address' ? place.addressId : null;
  const start = placePoint(place);

  return (
    <>
      <Dialog
        open={sheetOpen && !adding}
        onClose={close}
        fullWidth
        maxWidth="sm"
        fullScreen={phone}
        aria-labelledby="location-sheet-title"
        data-testid="location-sheet"
        sx={{ '& .MuiDialog-paper': { borderRadius: phone ? 0 : 3 } }}
      >
        <DialogTitle id="location-sheet-title" sx={{ display: 'flex', alignItems: 'center', pr: 1 }}>
          <Box component="span" sx={{ flexGrow: 1, fontWeight: 700 }}>
            {mode === 'map' ? 'Drop a pin' : 'Where should we deliver?'}
          </Box>
          <IconButton onClick={close} aria-label="Close location picker" data-testid="location-sheet-close" sx={{ width: 44, height: 44 }}>
            <CloseIcon />
          </IconButton>
        </DialogTitle>
        <DialogContent sx={{ px: { xs: 2, sm: 3 }, pb: 3 }}>
          {mode === 'map' ? (
            <Suspense fallback={<Skeleton variant="rounded" height={320} aria-label="Loading map" />}>
              <LocationMapPicker
                start={start}
                onCancel={() => setMode('list')}
                onConfirm={(point) => choose({ kind: 'point', source: 'pin', lat: point.lat, lng: point.lng })}
              />
            </Suspense>
          ) : (
            <Stack spacing={2}>
              <Stack direction={{ xs: 'column', sm: 'row' }} spacing={1}>
                <Button
                  variant="outlined"
                  startIcon={<MyLocationIcon />}
                  onClick={locateDevice}
                  disabled={locating}
                  fullWidth
                  sx={{ minHeight: 44 }}
                  aria-label="Use my current location"
                  data-testid="location-use-gps"
                >
                  {locating ? 'Locating…' : 'Use my current location'}
                </Button>
                <Button variant="outlined" startIcon={<MapIcon />} onClick={() => setMode('map')} fullWidth sx={{ minHeight: 44 }} aria-label="Pick a point on the map" data-testid="location-use-map">
                  Pick on the map
                </Button>
              </Stack>
              {geoError && (
                <Alert severity="warning" data-testid="location-geo-error">
                  {geoError}
                </Alert>
              )}
              <Box component="form" onSubmit={checkZip} noValidate aria-label="Check a PIN code" sx={{ display: 'flex', gap: 1, alignItems: 'flex-start' }}>
                <TextField
                  size="small"
                  label="PIN code"
                  value={zip}
                  onChange={(e) => setZip(e.target.value.replace(/[^\d]/g, '').slice(0, 6))}
                  error={zipError !== null}
                  helperText={zipError ?? 'See who delivers to an area'}
                  fullWidth
                  slotProps={{ htmlInput: { inputMode: 'numeric', 'aria-label': 'PIN code to check', 'data-testid': 'location-zip' } }}
                />
                <Button type="submit" variant="contained" disabled={zipBusy} aria-label="Check this PIN code" data-testid="location-zip-check" sx={{ flexShrink: 0, minHeight: 40 }}>
                  {zipBusy ? 'Checking…' : 'Check'}
                </Button>
              </Box>
              <Divider />
              <Typography variant="subtitle2" component="h3">
                Saved addresses
              </Typography>
              {location.addressesError !== null && !addresses && (
                <Alert severity="error">{errorMessage(location.addressesError)}</Alert>
              )}
              {!addresses && location.addressesError === null && <Skeleton variant="rounded" height={56} />}
              <Stack spacing={1} role="list" aria-label="Saved addresses">
                {(addresses ?? []).map((a: SavedAddressView) => {
                  const selected = a.id === selectedAddress;
                  return (
                    <ButtonBase
                      key={a.id}
                      role="listitem"
                      onClick={() => choose(placeFromAddress(a))}
                      aria-label={`Deliver to ${a.label}: ${a.street}, ${a.city}`}
                      aria-current={selected ? 'true' : undefined}
                      data-testid="location-address"
                      data-address-id={a.id}
                      data-label={a.label}
                      sx={{
                        display: 'flex',
                        justifyContent: 'flex-start',
                        textAlign: 'left',
                        gap: 1,
                        p: 1.25,
                        border: selected ? 2 : 1,
                        borderColor: selected ? 'primary.main' : 'divider',
                        borderRadius: 2,
                        width: '100%',
                        minHeight: 56,
                      }}
                    >
                      <Box sx={{ flexGrow: 1, minWidth: 0 }}>
                        <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
                          <Typography sx={{ fontWeight: 700 }}>{a.label}</Typography>
                          {a.isDefault && <Chip size="small" label="Default" variant="outlined" />}
                        </Stack>
                        <Typography variant="body2" color="text.secondary" noWrap>
                          {a.street}, {a.city} {a.zipCode}
                        </Typography>
                      </Box>
                      <ServiceChip res={perAddress[a.id]} />
                    </ButtonBase>
                  );
                })}
              </Stack>
              <Button startIcon={<AddIcon />} onClick={() => setAdding(true)} sx={{ alignSelf: 'flex-start', minHeight: 44 }} aria-label="Add a new address" data-testid="location-add-address">
                Add a new address
              </Button>
            </Stack>
          )}
        </DialogContent>
      </Dialog>
      <AddressFormDialog
        open={adding}
        address={null}
        onClose={() => setAdding(false)}
        onSaved={(saved) => {
          setAdding(false);
          void location.reloadAddresses();
          choose(placeFromAddress(saved));
        }}
      />
    </>
  );
}
