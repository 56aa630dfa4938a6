/**
 * Drop a pin: tap the map (or drag the pin) and see at once which store delivers there
 * and how fast. Default export, loaded only when the customer asks for the map (Leaflet
 * stays out of the first load). The map itself (markers, tiles, legend) is the address
 * form's too: see pin-map.tsx.
 */
import { useState } from 'react';
import { Alert, Button, Stack, Typography } from '@mui/material';
import { config } from '@/config/env';
import { describeService } from '@/features/customer/utils/place';
import { PinMap, previewSeverity, previewText, useServicePreview, type Point } from '@/features/customer/components/pin-map';

export default function LocationMapPicker({
  start,
  onConfirm,
  onCancel,
}: {
  start: Point | null;
  onConfirm: (point: Point) => void;
  onCancel: () => void;
}) {
  const [pin, setPin] = useState<Point>(start ?? config.storeLocation);
  // What the pin would get, a moment after it stops moving.
  const { preview, error } = useServicePreview(pin);

  return (
    <Stack spacing={1.5}>
      <Typography variant="body2" color="text.secondary">
        Tap the map or drag the pin to where you want your order.
      </Typography>
      <PinMap
        value={pin}
        onChange={setPin}
        center={pin}
        height={{ xs: 300, sm: 340 }}
        testId="location-map"
        label="Map to pick a delivery point"
      />
      <Alert
        severity={previewSeverity(preview)}
        data-testid="location-map-preview"
        data-tone={preview ? describeService(preview).tone : 'unknown'}
        role="status"
      >
        {previewText(preview, error)}
      </Alert>
      <Stack direction="row" spacing={1} sx={{ justifyContent: 'flex-end' }}>
        <Button onClick={onCancel} sx={{ minHeight: 44 }} aria-label="Back to the list">
          Back
        </Button>
        <Button variant="contained" onClick={() => onConfirm(pin)} sx={{ minHeight: 44 }} aria-label="Deliver to this point" data-testid="location-map-confirm">
          Deliver here
        </Button>
      </Stack>
    </Stack>
  );
}
