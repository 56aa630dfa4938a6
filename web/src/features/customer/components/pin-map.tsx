/**
 * A map to put a delivery pin on: tap the map to drop it, drag it to adjust. Used by the
 * address form (where the pin is the address's location: no coordinates to type) and
 * says at once which store delivers there and how fast. Default export, loaded only with
 * the form's map (Leaflet stays out of the first load).
 */
import { useEffect, useMemo, useState } from 'react';
import { MapContainer, Marker, Tooltip, useMap, useMapEvents } from 'react-leaflet';
import type L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import '@/components/map/map.css';
import { Alert, Box, Button, Stack, Typography } from '@mui/material';
import { MyLocationIcon } from '@/components/icons';
import { MapTiles } from '@/components/map/map-tiles';
import { KindSwatch, MapLegend } from '@/components/map/map-legend';
import { markerIcon } from '@/components/map/marker-icons';
import { errorMessage } from '@/lib/api-client';
import { storesApi } from '@/lib/stores';
import { checkServiceability } from '@/features/customer/api/catalog-api';
import { describeService } from '@/features/customer/utils/place';
import type { ServiceabilityResponse, StorePublicView } from '@/types/models';

export type Point = { lat: number; lng: number };

const pinIcon = markerIcon('destination', 'pin', { glyph: 'pin', testId: 'marker-pin' });
const storeIcon = markerIcon('store', '', { testId: 'marker-store', size: 30 });

/** Six decimals (~10 cm) are plenty, and what is sent and stored. */
export const roundPoint = (p: Point): Point => ({ lat: Number(p.lat.toFixed(6)), lng: Number(p.lng.toFixed(6)) });

function ClickToMove({ onMove }: { onMove: (p: Point) => void }) {
  useMapEvents({ click: (e) => onMove({ lat: e.latlng.lat, lng: e.latlng.lng }) });
  return null;
}

/** Moves the view to `point` each time `follow` changes (a GPS fix), not on taps or drags. */
function Follow({ point, follow }: { point: Point | null; follow: number }) {
  const map = useMap();
  useEffect(() => {
    if (follow > 0 && point) map.setView([point.lat, point.lng], Math.max(map.getZoom(), 15), { animate: false });
    // Only a new `follow` moves the view.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [follow, map]);
  return null;
}

/** The stores, as markers for orientation (best effort: the map works without them). */
export function useStores(): StorePublicView[] {
  const [stores, setStores] = useState<StorePublicView[]>([]);
  useEffect(() => {
    const controller = new AbortController();
    storesApi
      .list(controller.signal)
      .then((r) => setStores(r.stores))
      .catch(() => undefined);
    return () => controller.abort();
  }, []);
  return stores;
}

/** Who delivers to `point`, a moment after it stops moving. */
export function useServicePreview(point: Point | null): { preview: ServiceabilityResponse | null; error: unknown } {
  const [preview, setPreview] = useState<ServiceabilityResponse | null>(null);
  const [error, setError] = useState<unknown>(null);
  const lat = point?.lat;
  const lng = point?.lng;
  useEffect(() => {
    setPreview(null);
    setError(null);
    if (lat === undefined || lng === undefined) return;
    const controller = new AbortController();
    const t = setTimeout(() => {
      checkServiceability(roundPoint({ lat, lng }), controller.signal)
        .then(setPreview)
        .catch((err: unknown) => !controller.signal.aborted && setError(err));
    }, 350);
    return () => {
      clearTimeout(t);
      controller.abort();
    };
  }, [lat, lng]);
  return { preview, error };
}

/** What the preview says, in words. */
export function previewText(preview: ServiceabilityResponse | null, error: unknown): string {
  if (error !== null) return errorMessage(error);
  if (!preview) return 'Checking who delivers here…';
  const words = describeService(preview);
  if (words.tone === 'open') return `${preview.store?.name} delivers here in about ${preview.promise?.minutes} min.`;
  if (words.tone === 'unserved') return "We don't deliver to this point yet.";
  return `${words.headline}: ${words.detail}.`;
}

export function previewSeverity(preview: ServiceabilityResponse | null): 'info' | 'success' | 'warning' | 'error' {
  if (!preview) return 'info';
  const tone = describeService(preview).tone;
  return tone === 'open' ? 'success' : tone === 'unserved' ? 'error' : 'warning';
}

/** The map itself: stores for orientation, the pin (tap to drop, drag to adjust). */
export function PinMap({
  value,
  onChange,
  center,
  follow = 0,
  zoom = 13,
  height,
  testId,
  label,
}: {
  value: Point | null;
  onChange: (p: Point) => void;
  /** Where the map opens when there is no pin yet. */
  center: Point;
  /** Change it to bring the view to the pin (after "use my location"). */
  follow?: number;
  zoom?: number;
  height: number | Record<string, number>;
  testId: string;
  label: string;
}) {
  const stores = useStores();
  const handlers = useMemo(
    () => ({
      dragend: (e: L.LeafletEvent) => {
        const ll = (e.target as L.Marker).getLatLng();
        onChange({ lat: ll.lat, lng: ll.lng });
      },
    }),
    [onChange],
  );
  const start = value ?? center;
  return (
    <Box
      role="region"
      aria-label={label}
      data-testid={testId}
      data-lat={value?.lat ?? ''}
      data-lng={value?.lng ?? ''}
      className="qc-map-frame"
      sx={{ height }}
    >
      <MapContainer center={[start.lat, start.lng]} zoom={zoom} className="qc-map" style={{ height: '100%', width: '100%' }}>
        <MapTiles />
        {stores.map((s) => (
          <Marker key={s.id} position={[s.location.lat, s.location.lng]} icon={storeIcon} title={s.name} alt={s.name}>
            <Tooltip>{s.name}</Tooltip>
          </Marker>
        ))}
        {value && <Marker position={[value.lat, value.lng]} icon={pinIcon} draggable eventHandlers={handlers} title="Delivery point" alt="Delivery point" />}
        <ClickToMove onMove={onChange} />
        <Follow point={value} follow={follow} />
      </MapContainer>
      <MapLegend kinds={['store']} extra={[{ key: 'pin', label: 'Delivery point', swatch: <KindSwatch kind="destination" glyph="pin" /> }]} />
    </Box>
  );
}

/**
 * The address form's map: the pin is the address's location. Tap the map to drop it, drag
 * it, or use the device's location; below, who delivers there.
 */
export default function AddressPinPicker({
  value,
  onChange,
  center,
  invalid = false,
}: {
  value: Point | null;
  onChange: (p: Point) => void;
  center: Point;
  /** The form was sent without a pin, or the server refused this one. */
  invalid?: boolean;
}) {
  const [follow, setFollow] = useState(0);
  const [locating, setLocating] = useState(false);
  const [geoError, setGeoError] = useState<string | null>(null);
  const { preview, error } = useServicePreview(value);

  function locateMe() {
    if (!('geolocation' in navigator)) {
      setGeoError('Location is not available in this browser: tap the map instead.');
      return;
    }
    setLocating(true);
    setGeoError(null);
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        setLocating(false);
        onChange(roundPoint({ lat: pos.coords.latitude, lng: pos.coords.longitude }));
        setFollow((n) => n + 1);
      },
      (err) => {
        setLocating(false);
        setGeoError(
          err.code === err.PERMISSION_DENIED
            ? 'Location permission was denied: tap the map at your door instead.'
            : 'Could not get your location: tap the map at your door instead.',
        );
      },
      { enableHighAccuracy: true, timeout: 10000, maximumAge: 0 },
    );
  }

  return (
    <Stack spacing={1}>
      <Stack direction="row" sx={{ alignItems: 'center', justifyContent: 'space-between', gap: 1 }}>
        <Typography variant="body2" color={invalid && !value ? 'error' : 'text.secondary'} data-testid="address-map-hint">
          {value ? 'Drag the pin, or tap the map, to put it at your door.' : 'Tap the map at your door to drop the pin.'}
        </Typography>
        <Button
          startIcon={<MyLocationIcon />}
          onClick={locateMe}
          disabled={locating}
          sx={{ minHeight: 44, flexShrink: 0 }}
          aria-label="Put the pin at my location"
          data-testid="use-my-location"
        >
          {locating ? 'Locating…' : 'My location'}
        </Button>
      </Stack>
      <PinMap
        value={value}
        onChange={(p) => onChange(roundPoint(p))}
        center={center}
        follow={follow}
        zoom={value ? 15 : 13}
        height={{ xs: 220, sm: 280 }}
        testId="address-map"
        label="Map: tap or drag the pin to the delivery address"
      />
      {geoError && (
        <Alert severity="warning" data-testid="address-geo-error">
          {geoError}
        </Alert>
      )}
      {value && (
        <Alert severity={previewSeverity(preview)} data-testid="address-map-preview" data-tone={preview ? describeService(preview).tone : 'unknown'} role="status">
          {previewText(preview, error)}
        </Alert>
      )}
    </Stack>
  );
}
