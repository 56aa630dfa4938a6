/**
 * Add or edit a saved address: its place is a pin on the map (tap to drop, drag to adjust,
 * or the device's location; no coordinates to type), plus the street and PIN code people
 * read. Full-screen on phones, so Save is always on screen.
 */
import { lazy, Suspense, useEffect, useState, type FormEvent } from 'react';
import {
  Alert,
  Box,
  Button,
  Checkbox,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  FormControlLabel,
  IconButton,
  Skeleton,
  Stack,
  TextField,
} from '@mui/material';
import { CloseIcon } from '@/components/icons';
import { config } from '@/config/env';
import { usePhone } from '@/hooks/use-phone';
import { ApiError, errorMessage } from '@/lib/api-client';
import { splitFieldErrors } from '@/lib/field-errors';
import { addressApi } from '@/features/customer/api/address-api';
import { useDeliveryLocation } from '@/features/customer/hooks/use-delivery-location';
import { placePoint } from '@/features/customer/utils/place';
import type { AddressRequest, SavedAddressView } from '@/types/models';

const AddressPinPicker = lazy(() => import('@/features/customer/components/pin-map'));

type Point = { lat: number; lng: number };
type Form = { label: string; street: string; city: string; state: string; zipCode: string; pin: Point | null; isDefault: boolean };

const EMPTY: Form = { label: 'Home', street: '', city: 'Mumbai', state: 'Maharashtra', zipCode: '', pin: null, isDefault: false };

function toForm(a: SavedAddressView | null): Form {
  if (!a) return EMPTY;
  return {
    label: a.label,
    street: a.street,
    city: a.city,
    state: a.state,
    zipCode: a.zipCode,
    pin: a.lat != null && a.lng != null ? { lat: a.lat, lng: a.lng } : null,
    isDefault: a.isDefault,
  };
}

/** The address is farther from the store than it delivers (422 `not_serviceable`). */
function notServiceable(error: unknown): error is ApiError {
  return error instanceof ApiError && error.code === 'not_serviceable';
}

/** The fields this form shows: a refusal's words go under them (lib/field-errors.ts), never a key. */
const FIELDS = ['label', 'street', 'city', 'state', 'zipCode'] as const;
type Field = (typeof FIELDS)[number];

export function AddressFormDialog({
  open,
  address,
  onClose,
  onSaved,
}: {
  open: boolean;
  address: SavedAddressView | null;
  onClose: () => void;
  onSaved: (address: SavedAddressView) => void;
}) {
  const phone = usePhone();
  const location = useDeliveryLocation();
  const [form, setForm] = useState<Form>(toForm(address));
  const [error, setError] = useState<unknown>(null);
  const [pinMissing, setPinMissing] = useState(false);
  const [busy, setBusy] = useState(false);
  const split = splitFieldErrors(error, FIELDS);
  // A field's error goes once that field is edited.
  const [edited, setEdited] = useState<ReadonlySet<Field>>(new Set());
  const errors: Partial<Record<Field, string>> = Object.fromEntries(
    FIELDS.filter((f) => !edited.has(f) && split.fields[f]).map((f) => [f, split.fields[f]]),
  );
  const outOfArea = notServiceable(error);
  // An address saved before pins were asked for may stay without one; a new one needs it.
  const pinRequired = !address || (address.lat != null && address.lng != null);

  useEffect(() => {
    if (open) {
      setForm(toForm(address));
      setError(null);
      setPinMissing(false);
    }
  }, [open, address]);

  const set = (key: Field) => (e: { target: { value: string } }) => {
    setForm((f) => ({ ...f, [key]: key === 'zipCode' ? e.target.value.replace(/[^\d]/g, '').slice(0, 6) : e.target.value }));
    setEdited((s) => (s.has(key) ? s : new Set(s).add(key)));
  };
  const setPin = (pin: Point) => {
    setForm((f) => ({ ...f, pin }));
    setPinMissing(false);
    if (notServiceable(error)) setError(null);
  };

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (pinRequired && !form.pin) {
      setPinMissing(true);
      return;
    }
    const body: AddressRequest = {
      label: form.label.trim() || 'Home',
      street: form.street.trim(),
      city: form.city.trim(),
      state: form.state.trim(),
      zipCode: form.zipCode.trim(),
      lat: form.pin?.lat ?? null,
      lng: form.pin?.lng ?? null,
      isDefault: form.isDefault,
    };
    setBusy(true);
    setError(null);
    setEdited(new Set());
    try {
      const res = address ? await addressApi.update(address.id, body) : await addressApi.create(body);
      onSaved(res.address);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const center = form.pin ?? placePoint(location.place) ?? config.storeLocation;

  return (
    <Dialog open={open} onClose={onClose} fullWidth maxWidth="sm" fullScreen={phone} aria-labelledby="address-dialog-title">
      <Box
        component="form"
        onSubmit={submit}
        noValidate
        aria-label="Address form"
        data-testid="address-form"
        sx={{ display: 'flex', flexDirection: 'column', minHeight: 0, height: phone ? '100%' : undefined }}
      >
        <DialogTitle id="address-dialog-title" sx={{ display: 'flex', alignItems: 'center', pr: 1, py: 1 }}>
          <Box component="span" sx={{ flexGrow: 1 }}>
            {address ? 'Edit address' : 'New address'}
          </Box>
          <IconButton onClick={onClose} aria-label="Close the address form" sx={{ width: 44, height: 44 }}>
            <CloseIcon />
          </IconButton>
        </DialogTitle>
        <DialogContent dividers sx={{ px: { xs: 2, sm: 3 } }}>
          <Stack spacing={2}>
            {outOfArea && (
              <Alert severity="warning" role="alert" data-testid="address-not-serviceable">
                {errorMessage(error)} Move the pin, or use an address closer to one of our stores.
              </Alert>
            )}
            {split.form !== null && !outOfArea && (
              <Alert severity="error" role="alert" data-testid="address-error">
                {split.form}
              </Alert>
            )}
            {pinMissing && (
              <Alert severity="error" role="alert" data-testid="address-pin-missing">
                Put the pin on the map where we should deliver: tap the map, or use your location.
              </Alert>
            )}
            {open && (
              <Suspense fallback={<Skeleton variant="rounded" height={phone ? 270 : 330} aria-label="Loading map" />}>
                <AddressPinPicker value={form.pin} onChange={setPin} center={center} invalid={pinMissing || outOfArea} />
              </Suspense>
            )}
            <TextField label="Street, building and flat" value={form.street} onChange={set('street')} required size="small"
              error={!!errors.street} helperText={errors.street}
              slotProps={{ htmlInput: { 'aria-label': 'Street', 'data-testid': 'address-street', autoComplete: 'street-address' } }} />
            <Box sx={{ display: 'grid', gap: 2, gridTemplateColumns: { xs: 'minmax(0, 1fr) minmax(0, 1fr)', sm: 'repeat(3, minmax(0, 1fr))' } }}>
              <TextField label="PIN code" value={form.zipCode} onChange={set('zipCode')} required size="small"
                error={!!errors.zipCode} helperText={errors.zipCode}
                slotProps={{ htmlInput: { 'aria-label': 'PIN code', 'data-testid': 'address-zip', inputMode: 'numeric', autoComplete: 'postal-code' } }} />
              <TextField label="City" value={form.city} onChange={set('city')} required size="small"
                error={!!errors.city} helperText={errors.city}
                slotProps={{ htmlInput: { 'aria-label': 'City', 'data-testid': 'address-city' } }} />
              <TextField label="State" value={form.state} onChange={set('state')} required size="small"
                error={!!errors.state} helperText={errors.state}
                slotProps={{ htmlInput: { 'aria-label': 'State', 'data-testid': 'address-state' } }} />
              <TextField label="Label (Home, Work…)" value={form.label} onChange={set('label')} size="small"
                slotProps={{ htmlInput: { 'aria-label': 'Address label', 'data-testid': 'address-label', maxLength: 40 } }} />
            </Box>
            <FormControlLabel
              sx={{ minHeight: 44 }}
              control={
                <Checkbox
                  checked={form.isDefault}
                  onChange={(e) => setForm((f) => ({ ...f, isDefault: e.target.checked }))}
                  slotProps={{ input: { 'aria-label': 'Make this my default address' } }}
                />
              }
              label="Default address"
            />
          </Stack>
        </DialogContent>
        <DialogActions sx={{ px: { xs: 2, sm: 3 }, py: 1.5, pb: phone ? 'calc(12px + env(safe-area-inset-bottom))' : 1.5, gap: 1 }}>
          <Button onClick={onClose} sx={{ minHeight: 44 }} aria-label="Cancel">
            Cancel
          </Button>
          <Button type="submit" variant="contained" disabled={busy} sx={{ minHeight: 44, minWidth: 120 }} aria-label="Save address" data-testid="address-save">
            {busy ? 'Saving…' : 'Save address'}
          </Button>
        </DialogActions>
      </Box>
    </Dialog>
  );
}
