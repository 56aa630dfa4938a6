/**
 * Drop a pin: tap the map (or drag the pin) and see at once which store delivers there
 * and how fast. Default export, loaded only when the customer asks for the map (Leaflet
 * stays out of the first load).
 */
import { useEffect, useMemo, useState } from 'react';
import { MapContainer, Marker, TileLayer, Tooltip, useMapEvents } from 'react-leaflet';
import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import '@/components/map/map.css';
import { Alert, Box, Button, Stack, Typography } from '@mui/material';
import { config } from '@/config/env';
import { errorMessage } from '@/lib/api-client';
import { storesApi } from '@/lib/stores';
import { checkServiceability } from '@/features/customer/api/catalog-api';
import { describeService } from '@/features/customer/utils/place';
import type { ServiceabilityResponse, StorePublicView } from '@/types/models';

type Point = { lat: number; lng: number };

const pinIcon = L.divIcon({
  className: 'qc-marker',
  html: '<div class="qc-pin qc-pin-destination" data-testid="marker-pin">📍</div>',
  iconSize: [34, 34],
  iconAnchor: [17, 17],
});
const storeIcon = L.divIcon({
  className: 'qc-marker',
  html: '<div class="qc-pin qc-pin-store" data-testid="marker-store">🏪</div>',
  iconSize: [30, 30],
  iconAnchor: [15, 15],
  tooltipAnchor: [0, -16],
});

function ClickToMove({ onMove }: { onMove: (p: Point) => void }) {
  useMapEvents({ click: (e) => onMove({ lat: e.latlng.lat, lng: e.latlng.lng }) });
  return null;
}

export default function LocationMapPicker({
  start,
  onConfirm,
  onCancel,
}: {
  start: Point | null;
  onConfirm: (point: Point) => void;
  onCancel: () => void;
}) {
  const [stores, setStores] = useState<StorePublicView[]>([]);
  const [pin, setPin] = useState<Point>(start ?? config.storeLocation);
  const [preview, setPreview] = useState<ServiceabilityResponse | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    const controller = new AbortController();
    storesApi
      .list(controller.signal)
      .then((r) => setStores(r.stores))
      .catch(() => undefined);
    return () => controller.abort();
  }, []);

  // What the pin would get, a moment after it stops moving.
  useEffect(() => {
    const controller = new AbortController();
    setPreview(null);
    setError(null);
    const t = setTimeout(() => {
      checkServiceability({ lat: Number(pin.lat.toFixed(6)), lng: Number(pin.lng.toFixed(6)) }, controller.signal)
        .then(setPreview)
        .catch((err: unknown) => !controller.signal.aborted && setError(err));
    }, 350);
    return () => {
      clearTimeout(t);
      controller.abort();
    };
  }, [pin]);

  const words = describeService(preview);
  const handlers = useMemo(
    () => ({
      dragend: (e: L.LeafletEvent) => {
        const ll = (e.target as L.Marker).getLatLng();
        setPin({ lat: ll.lat, lng: ll.lng });
      },
    }),
    [],
  );

  return (
    <Stack spacing={1.5}>
      <Typography variant="body2" color="text.secondary">
        Tap the map or drag the pin to where you want your order.
      </Typography>
      <Box role="region" aria-label="Map to pick a delivery point" data-testid="location-map" data-lat={pin.lat} data-lng={pin.lng} sx={{ height: { xs: 300, sm: 340 } }}>
        <MapContainer center={[pin.lat, pin.lng]} zoom={13} className="qc-map" style={{ height: '100%', width: '100%' }}>
          <TileLayer url={config.tileUrl} attribution={config.tileAttribution} />
          {stores.map((s) => (
            <Marker key={s.id} position={[s.location.lat, s.location.lng]} icon={storeIcon} title={s.name} alt={s.name}>
              <Tooltip>{s.name}</Tooltip>
            </Marker>
          ))}
          <Marker position={[pin.lat, pin.lng]} icon={pinIcon} draggable eventHandlers={handlers} title="Delivery point" alt="Delivery point" />
          <ClickToMove onMove={setPin} />
        </MapContainer>
      </Box>
      <Alert
        severity={!preview ? 'info' : words.tone === 'open' ? 'success' : words.tone === 'unserved' ? 'error' : 'warning'}
        data-testid="location-map-preview"
        data-tone={preview ? words.tone : 'unknown'}
        role="status"
      >
        {error !== null
          ? errorMessage(error)
          : !preview
            ? 'Checking who delivers here…'
            : words.tone === 'open'
              ? `${preview.store?.name} delivers here in about ${preview.promise?.minutes} min.`
              : words.tone === 'unserved'
                ? "We don't deliver to this point yet."
                : `${words.headline}: ${words.detail}.`}
      </Alert>
      <Stack direction="row" spacing={1} sx={{ justifyContent: 'flex-end' }}>
        <Button onClick={onCancel} aria-label="Back to the list">
          Back
        </Button>
        <Button variant="contained" onClick={() => onConfirm(pin)} aria-label="Deliver to this point" data-testid="location-map-confirm">
          Deliver here
        </Button>
      </Stack>
    </Stack>
  );
}
