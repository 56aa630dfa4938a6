/**
 * Every store and its delivery zone on one map (a colour per store; a closed store's zone
 * is dashed). Default export: loaded lazily with Leaflet, on the Stores page only.
 */
import { Fragment, useEffect, useMemo } from 'react';
import { GeoJSON, MapContainer, Marker, Tooltip, useMap } from 'react-leaflet';
import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import '@/components/map/map.css';
import { config } from '@/config/env';
import { MapTiles } from '@/components/map/map-tiles';
import { MapLegend, type LegendItem } from '@/components/map/map-legend';
import { storeStateLabel } from '@/lib/stores';
import { storeColor } from '@/features/admin/utils/store-colors';
import { zoneOf, zonePolygons } from '@/features/admin/utils/store-form';
import type { AdminStore } from '@/types/admin';

export interface StoresMapProps {
  stores: AdminStore[];
  /** Live state per store id (from the load polls), else the store's own. */
  states?: Record<string, string>;
  selectedId?: string | null;
  onSelect?: (storeId: string) => void;
  height?: number | string;
}

function codeIcon(code: string, color: string, selected: boolean): L.DivIcon {
  const safe = code.replace(/[^A-Za-z0-9-]/g, '');
  return L.divIcon({
    className: 'qc-marker',
    html: `<div class="qc-store-code${selected ? ' qc-store-code-selected' : ''}" style="background:${color}" data-testid="store-marker" data-store-code="${safe}">${safe}</div>`,
    iconSize: [48, 26],
    iconAnchor: [24, 13],
    tooltipAnchor: [0, -14],
  });
}

const LEGEND: LegendItem[] = [
  { key: 'store', label: 'Store (code)', swatch: <span className="qc-legend-swatch" style={{ background: '#6a1b9a', borderRadius: 4, width: 22, height: 14 }} aria-hidden="true" /> },
  { key: 'zone', label: 'Delivery zone', swatch: <span className="qc-legend-swatch" style={{ background: 'rgba(106, 27, 154, 0.2)', border: '2px solid #6a1b9a', borderRadius: 3, width: 16, height: 14 }} aria-hidden="true" /> },
  { key: 'closed', label: 'Closed (dashed)', swatch: <span className="qc-legend-swatch" style={{ border: '2px dashed #6a1b9a', borderRadius: 3, width: 16, height: 14 }} aria-hidden="true" /> },
];

function FitAll({ stores }: { stores: AdminStore[] }) {
  const map = useMap();
  const key = stores.map((s) => `${s.id}:${s.updatedAt}`).join('|');
  useEffect(() => {
    const points: [number, number][] = [];
    for (const s of stores) {
      if (s.location) points.push([s.location.lat, s.location.lng]);
      for (const polygon of zonePolygons(zoneOf(s.zone))) for (const [lng, lat] of polygon[0] ?? []) points.push([lat, lng]);
    }
    if (points.length) map.fitBounds(L.latLngBounds(points).pad(0.05), { maxZoom: 15 });
    // Once per set of stores, not on every state change.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [map, key]);
  return null;
}

export default function StoresMap({ stores, states = {}, selectedId, onSelect, height = 380 }: StoresMapProps) {
  const center = useMemo<[number, number]>(() => {
    const first = stores.find((s) => s.location)?.location;
    return first ? [first.lat, first.lng] : [config.storeLocation.lat, config.storeLocation.lng];
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  const zones = stores.filter((s) => zoneOf(s.zone));
  return (
    <div role="region" aria-label="Map of stores and their delivery zones" data-testid="stores-map" data-zones={zones.length} className="qc-map-frame" style={{ height }}>
      <MapContainer center={center} zoom={12} className="qc-map" style={{ height: '100%', width: '100%' }} scrollWheelZoom={false}>
        <MapTiles />
        {stores.map((s, i) => {
          const zone = zoneOf(s.zone);
          const state = states[s.id] ?? s.state;
          const color = storeColor(i);
          const selected = s.id === selectedId;
          return (
            <Fragment key={s.id}>
              {zone && (
                <GeoJSON
                  // Re-created when the zone or the look changes (GeoJSON layers are not reactive).
                  key={`${s.id}:${s.updatedAt}:${state}:${selected}`}
                  data={zone}
                  style={{
                    color,
                    weight: selected ? 4 : 2,
                    fillColor: color,
                    fillOpacity: state === 'closed' ? 0.05 : selected ? 0.25 : 0.14,
                    dashArray: state === 'closed' ? '6 6' : undefined,
                  }}
                  eventHandlers={{ click: () => onSelect?.(s.id) }}
                >
                  <Tooltip sticky>
                    {s.name} ({s.code}) · {storeStateLabel(state)}
                  </Tooltip>
                </GeoJSON>
              )}
              {s.location && (
                <Marker
                  position={[s.location.lat, s.location.lng]}
                  icon={codeIcon(s.code, color, selected)}
                  title={s.name}
                  alt={s.name}
                  eventHandlers={{ click: () => onSelect?.(s.id) }}
                >
                  <Tooltip>
                    {s.name} · {storeStateLabel(state)}
                  </Tooltip>
                </Marker>
              )}
            </Fragment>
          );
        })}
        <FitAll stores={stores} />
      </MapContainer>
      <MapLegend extra={LEGEND} />
    </div>
  );
}
