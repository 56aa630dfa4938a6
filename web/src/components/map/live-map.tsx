/**
 * A Leaflet map with store / rider / destination markers. Markers are `divIcon`s with
 * inline SVG glyphs (no image files, no emoji), so they are drawn even when map tiles
 * cannot load and on devices without an emoji font; a legend names them. Default export
 * so pages can `lazy()`-load it and keep Leaflet out of their own chunk.
 */
import { startTransition, useEffect, useMemo, useRef, useState } from 'react';
import { MapContainer, Marker, Polyline, Tooltip, useMap } from 'react-leaflet';
import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import './map.css';
import { MapTiles } from '@/components/map/map-tiles';
import { MapLegend } from '@/components/map/map-legend';
import { markerIcon } from '@/components/map/marker-icons';
import type { MarkerKind } from '@/components/map/marker-svg';

export type { MarkerKind } from '@/components/map/marker-svg';

export interface MapMarker {
  id: string;
  kind: MarkerKind;
  lat: number;
  lng: number;
  label: string;
  /** Show the label next to the marker all the time (riders' names), not only on hover. */
  permanentLabel?: boolean;
}

export interface LiveMapProps {
  markers: MapMarker[];
  /** A trail or route to draw. */
  path?: [number, number][];
  height?: number | string;
  ariaLabel: string;
  testId?: string;
  /** Re-fit the view when this changes (not on every marker move). */
  fitKey?: string;
}

const TRAIL_COLOR = '#e65100';

// Views change without animation: an animation still running when the map unmounts (a
// page change, a reload) makes Leaflet read a removed pane (`_leaflet_pos` errors).
function FitView({ markers, fitKey }: { markers: MapMarker[]; fitKey?: string }) {
  const map = useMap();
  const fitted = useRef<string | null>(null);
  useEffect(() => {
    const key = fitKey ?? 'once';
    if (markers.length === 0) return;
    const bounds = L.latLngBounds(markers.map((m) => [m.lat, m.lng] as [number, number]));
    if (fitted.current !== key) {
      fitted.current = key;
      if (markers.length === 1) map.setView(bounds.getCenter(), 15, { animate: false });
      else map.fitBounds(bounds.pad(0.25), { maxZoom: 16, animate: false });
      return;
    }
    // Keep moving markers in view without jumping around.
    const view = map.getBounds();
    if (!markers.every((m) => view.contains([m.lat, m.lng]))) map.fitBounds(bounds.pad(0.25), { maxZoom: 16, animate: false });
  }, [map, markers, fitKey]);
  return null;
}

/**
 * Leaflet measures its container once; when the container resizes (a drawer sliding in,
 * a rotated phone) tell it, and frame the markers again.
 */
function ResizeWatcher({ markers }: { markers: MapMarker[] }) {
  const map = useMap();
  const latest = useRef(markers);
  latest.current = markers;
  useEffect(() => {
    const el = map.getContainer();
    if (typeof ResizeObserver === 'undefined') return;
    let last = `${el.clientWidth}x${el.clientHeight}`;
    const observer = new ResizeObserver(() => {
      const size = `${el.clientWidth}x${el.clientHeight}`;
      if (size === last) return;
      last = size;
      map.invalidateSize();
      const points = latest.current.map((m) => [m.lat, m.lng] as [number, number]);
      if (points.length > 1) map.fitBounds(L.latLngBounds(points).pad(0.25), { maxZoom: 16, animate: false });
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, [map]);
  return null;
}

export default function LiveMap({ markers, path, height = 320, ariaLabel, testId, fitKey }: LiveMapProps) {
  // In steps, each a task of its own rather than one long one on a slow phone: the frame
  // (the browser applies the map's styles meanwhile), the map, then its layers (tiles,
  // markers, the view fitted to them).
  const [stage, setStage] = useState(0);
  useEffect(() => {
    if (stage >= 2) return;
    // After the next frame (its style and layout done by the browser, not forced by Leaflet).
    let timer: ReturnType<typeof setTimeout> | undefined;
    const frame = requestAnimationFrame(() => {
      timer = setTimeout(() => startTransition(() => setStage((s) => s + 1)), 0);
    });
    return () => {
      cancelAnimationFrame(frame);
      if (timer) clearTimeout(timer);
    };
  }, [stage]);
  const layers = stage >= 2;
  const center = useMemo<[number, number]>(
    () => (markers.length ? [markers[0].lat, markers[0].lng] : [19.0596, 72.8295]),
    // Only the first render's center matters; FitView does the rest.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [],
  );
  return (
    <div role="region" aria-label={ariaLabel} data-testid={testId ?? 'live-map'} className="qc-map-frame" style={{ height }}>
      {stage >= 1 && (
        <MapContainer center={center} zoom={14} className="qc-map" style={{ height: '100%', width: '100%' }} scrollWheelZoom={false}>
          {layers && (
            <>
              <MapTiles />
              {path && path.length > 1 && <Polyline positions={path} pathOptions={{ color: TRAIL_COLOR, weight: 4, opacity: 0.7 }} />}
              {/* Not keyboard stops: what they say is in the legend and the page's text. */}
              {markers.map((m) => (
                <Marker key={`${m.kind}:${m.id}:${m.permanentLabel ? 1 : 0}`} position={[m.lat, m.lng]} icon={markerIcon(m.kind, m.id)} title={m.label} alt={m.label} keyboard={false}>
                  <Tooltip permanent={m.permanentLabel} direction={m.permanentLabel ? 'right' : 'auto'} offset={m.permanentLabel ? [12, 0] : [0, 0]}>
                    {m.label}
                  </Tooltip>
                </Marker>
              ))}
              <FitView markers={markers} fitKey={fitKey} />
              <ResizeWatcher markers={markers} />
            </>
          )}
        </MapContainer>
      )}
      <MapLegend
        kinds={markers.map((m) => m.kind)}
        extra={path && path.length > 1 ? [{ key: 'trail', label: 'Route so far', swatch: <span className="qc-legend-line" style={{ color: TRAIL_COLOR }} aria-hidden="true" /> }] : []}
      />
    </div>
  );
}
