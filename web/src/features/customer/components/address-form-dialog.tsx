/** Add or edit a saved address; coordinates are optional ("use my location"). */
import { useEffect, useState, type FormEvent } from 'react';
import {
  Alert,
  Button,
  Checkbox,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  FormControlLabel,
  Stack,
  TextField,
  Typography,
} from '@mui/material';
import { MyLocationIcon } from '@/components/icons';
import { ApiError, errorMessage } from '@/lib/api-client';
import { addressApi } from '@/features/customer/api/address-api';
import type { AddressRequest, SavedAddressView } from '@/types/models';

type Form = { label: string; street: string; city: string; state: string; zipCode: string; lat: string; lng: string; isDefault: boolean };

const EMPTY: Form = { label: 'Home', street: '', city: 'Mumbai', state: 'Maharashtra', zipCode: '', lat: '', lng: '', isDefault: false };

function toForm(a: SavedAddressView | null): Form {
  if (!a) return EMPTY;
  return {
    label: a.label,
    street: a.street,
    city: a.city,
    state: a.state,
    zipCode: a.zipCode,
    lat: a.lat?.toString() ?? '',
    lng: a.lng?.toString() ?? '',
    isDefault: a.isDefault,
  };
}

/** The address is farther from the store than it delivers (422 `not_serviceable`). */
function notServiceable(error: unknown): error is ApiError {
  return error instanceof ApiError && error.code === 'not_serviceable';
}

function fieldErrors(error: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (error instanceof ApiError && Array.isArray(error.details)) {
    for (const d of error.details as { field?: string; message?: string }[]) {
      if (d.field && d.message) out[d.field.replace(/^deliveryAddress\./, '')] = d.message;
    }
  }
  return out;
}

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
  const [form, setForm] = useState<Form>(toForm(address));
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [locating, setLocating] = useState(false);
  const [geoError, setGeoError] = useState<string | null>(null);
  const errors = fieldErrors(error);
  const outOfArea = notServiceable(error);

  useEffect(() => {
    if (open) {
      setForm(toForm(address));
      setError(null);
      setGeoError(null);
    }
  }, [open, address]);

  const set = (key: keyof Form) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [key]: e.target.value }));

  function locateMe() {
    if (!('geolocation' in navigator)) {
      setGeoError('Location is not available in this browser.');
      return;
    }
    setLocating(true);
    setGeoError(null);
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        setForm((f) => ({ ...f, lat: pos.coords.latitude.toFixed(6), lng: pos.coords.longitude.toFixed(6) }));
        setLocating(false);
      },
      (err) => {
        setGeoError(err.code === err.PERMISSION_DENIED ? 'Location permission was denied.' : 'Could not get your location.');
        setLocating(false);
      },
      { enableHighAccuracy: true, timeout: 10000 },
    );
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    const lat = form.lat.trim() === '' ? null : Number(form.lat);
    const lng = form.lng.trim() === '' ? null : Number(form.lng);
    if ((lat === null) !== (lng === null) || (lat !== null && (!Number.isFinite(lat) || !Number.isFinite(lng)))) {
      setError(new ApiError(400, 'validation_error', 'Give both latitude and longitude, or neither.'));
      return;
    }
    const body: AddressRequest = {
      label: form.label.trim() || 'Home',
      street: form.street.trim(),
      city: form.city.trim(),
      state: form.state.trim(),
      zipCode: form.zipCode.trim(),
      lat,
      lng,
      isDefault: form.isDefault,
    };
    setBusy(true);
    setError(null);
    try {
      const res = address ? await addressApi.update(address.id, body) : await addressApi.create(body);
      onSaved(res.address);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog open={open} onClose={onClose} fullWidth maxWidth="sm" aria-labelledby="address-dialog-title">
      <form onSubmit={submit} noValidate aria-label="Address form" data-testid="address-form">
        <DialogTitle id="address-dialog-title">{address ? 'Edit address' : 'New address'}</DialogTitle>
        <DialogContent>
          <Stack spacing={2} sx={{ pt: 1 }}>
            {outOfArea && (
              <Alert severity="warning" role="alert" data-testid="address-not-serviceable">
                {errorMessage(error)} Check the map pin, or use an address closer to our store.
              </Alert>
            )}
            {error !== null && !outOfArea && (
              <Alert severity="error" role="alert" data-testid="address-error">
                {errorMessage(error)}
              </Alert>
            )}
            <TextField label="Label" value={form.label} onChange={set('label')} size="small"
              slotProps={{ htmlInput: { 'aria-label': 'Address label', 'data-testid': 'address-label' } }} />
            <TextField label="Street and number" value={form.street} onChange={set('street')} required size="small"
              error={!!errors.street} helperText={errors.street}
              slotProps={{ htmlInput: { 'aria-label': 'Street', 'data-testid': 'address-street' } }} />
            <Stack direction={{ xs: 'column', sm: 'row' }} spacing={2}>
              <TextField label="City" value={form.city} onChange={set('city')} required size="small" fullWidth
                error={!!errors.city} helperText={errors.city}
                slotProps={{ htmlInput: { 'aria-label': 'City', 'data-testid': 'address-city' } }} />
              <TextField label="State" value={form.state} onChange={set('state')} required size="small" fullWidth
                error={!!errors.state} helperText={errors.state}
                slotProps={{ htmlInput: { 'aria-label': 'State', 'data-testid': 'address-state' } }} />
              <TextField label="PIN code" value={form.zipCode} onChange={set('zipCode')} required size="small" fullWidth
                error={!!errors.zipCode} helperText={errors.zipCode}
                slotProps={{ htmlInput: { 'aria-label': 'PIN code', 'data-testid': 'address-zip', inputMode: 'numeric' } }} />
            </Stack>
            <Typography variant="caption" color="text.secondary">
              Location (optional) lets you follow the rider to your door on the map.
            </Typography>
            <Stack direction={{ xs: 'column', sm: 'row' }} spacing={2} sx={{ alignItems: { sm: 'center' } }}>
              <TextField label="Latitude" value={form.lat} onChange={set('lat')} size="small"
                error={outOfArea || !!errors.lat} helperText={errors.lat}
                slotProps={{ htmlInput: { 'aria-label': 'Latitude', 'data-testid': 'address-lat', inputMode: 'decimal' } }} />
              <TextField label="Longitude" value={form.lng} onChange={set('lng')} size="small"
                error={outOfArea || !!errors.lng} helperText={errors.lng}
                slotProps={{ htmlInput: { 'aria-label': 'Longitude', 'data-testid': 'address-lng', inputMode: 'decimal' } }} />
              <Button startIcon={<MyLocationIcon />} onClick={locateMe} disabled={locating} aria-label="Use my location" data-testid="use-my-location">
                {locating ? 'Locating…' : 'Use my location'}
              </Button>
            </Stack>
            {geoError && <Alert severity="warning">{geoError}</Alert>}
            <FormControlLabel
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
        <DialogActions>
          <Button onClick={onClose} aria-label="Cancel">
            Cancel
          </Button>
          <Button type="submit" variant="contained" disabled={busy} aria-label="Save address" data-testid="address-save">
            {busy ? 'Saving…' : 'Save'}
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
