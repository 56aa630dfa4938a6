/**
 * Draw and edit a store's delivery zone (polygons, holes cut into them, several areas),
 * and place the store itself, on a map. Drawing and editing are leaflet-geoman's (draw a
 * polygon or rectangle, move vertices, drag, cut a hole, remove); the other stores' zones
 * are shown faintly for reference. Default export: lazily loaded with the store dialog,
 * so Leaflet and the plugin only ship to admins who open it.
 */
import { useEffect, useRef } from 'react';
import { MapContainer, useMap } from 'react-leaflet';
import L from '@/features/admin/utils/leaflet-global';
import '@geoman-io/leaflet-geoman-free';
import 'leaflet/dist/leaflet.css';
import '@geoman-io/leaflet-geoman-free/dist/leaflet-geoman.css';
import '@/components/map/map.css';
import { config } from '@/config/env';
import { MapTiles } from '@/components/map/map-tiles';
import { MapLegend, KindSwatch } from '@/components/map/map-legend';
import { markerIcon } from '@/components/map/marker-icons';
import { zoneFromPolygons, zonePolygons } from '@/features/admin/utils/store-form';
import type { LngLat, ZoneGeometry } from '@/types/admin';

type Point = { lat: number; lng: number };

export interface ZoneEditorProps {
  zone: ZoneGeometry | null;
  /** Change to load `zone` again (after it was replaced from outside: pasted, cleared). */
  zoneVersion: number;
  location: Point | null;
  color: string;
  /** Other stores, for reference (not editable). */
  others: { id: string; code: string; zone: ZoneGeometry | null; location: Point | null }[];
  /** A click on the map moves the store there. */
  placing: boolean;
  onZone: (zone: ZoneGeometry | null) => void;
  onLocation: (point: Point) => void;
  height?: number | string;
}

const storeIcon = markerIcon('store', 'editor', { testId: 'editor-store-marker' });

/** A polygon's rings as Leaflet wants them (latitude first, rings not closed). */
function toLatLngs(polygon: LngLat[][]): L.LatLngExpression[][] {
  return polygon.map((ring) => {
    const open = ring.length > 1 && ring[0][0] === ring[ring.length - 1][0] && ring[0][1] === ring[ring.length - 1][1] ? ring.slice(0, -1) : ring;
    return open.map(([lng, lat]) => [lat, lng] as [number, number]);
  });
}

/** A Leaflet polygon as GeoJSON polygons (longitude first, rings closed). */
function polygonsOf(layer: L.Polygon): LngLat[][][] {
  const geometry = layer.toGeoJSON(6).geometry;
  if (geometry.type === 'Polygon') return [geometry.coordinates as LngLat[][]];
  if (geometry.type === 'MultiPolygon') return geometry.coordinates as LngLat[][][];
  return [];
}

function Editor({ zone, zoneVersion, location, color, others, placing, onZone, onLocation }: ZoneEditorProps) {
  const map = useMap();
  const zoneLayers = useRef(new Set<L.Polygon>());
  const marker = useRef<L.Marker | null>(null);
  const callbacks = useRef({ onZone, onLocation, placing });
  callbacks.current = { onZone, onLocation, placing };
  const style = useRef<L.PathOptions>({ color, fillColor: color, fillOpacity: 0.2, weight: 3 });
  style.current = { color, fillColor: color, fillOpacity: 0.2, weight: 3 };

  const emit = () => {
    const polygons: LngLat[][][] = [];
    for (const layer of zoneLayers.current) {
      if (map.hasLayer(layer)) polygons.push(...polygonsOf(layer));
      else zoneLayers.current.delete(layer);
    }
    callbacks.current.onZone(zoneFromPolygons(polygons));
  };

  const track = (layer: L.Layer) => {
    if (!(layer instanceof L.Polygon)) return;
    zoneLayers.current.add(layer);
    layer.setStyle(style.current);
    layer.on('pm:edit pm:dragend pm:rotateend', emit);
  };

  // The toolbar and the map's drawing events, once.
  useEffect(() => {
    map.pm.addControls({
      position: 'topleft',
      drawMarker: false,
      drawCircleMarker: false,
      drawPolyline: false,
      drawCircle: false,
      drawText: false,
      rotateMode: false,
      drawPolygon: true,
      drawRectangle: true,
      editMode: true,
      dragMode: true,
      cutPolygon: true,
      removalMode: true,
    });
    map.pm.setGlobalOptions({ allowSelfIntersection: false, snappable: true, pathOptions: style.current });
    const onCreate = (e: { layer: L.Layer }) => {
      track(e.layer);
      emit();
    };
    const onRemove = (e: { layer: L.Layer }) => {
      if (e.layer instanceof L.Polygon) zoneLayers.current.delete(e.layer);
      emit();
    };
    const onCut = (e: { layer: L.Layer; originalLayer: L.Layer }) => {
      if (e.originalLayer instanceof L.Polygon) zoneLayers.current.delete(e.originalLayer);
      track(e.layer);
      emit();
    };
    map.on('pm:create', onCreate);
    map.on('pm:remove', onRemove);
    map.on('pm:cut', onCut);
    const onClick = (e: L.LeafletMouseEvent) => {
      if (callbacks.current.placing) callbacks.current.onLocation({ lat: Number(e.latlng.lat.toFixed(6)), lng: Number(e.latlng.lng.toFixed(6)) });
    };
    map.on('click', onClick);
    return () => {
      map.off('pm:create', onCreate);
      map.off('pm:remove', onRemove);
      map.off('pm:cut', onCut);
      map.off('click', onClick);
      map.pm.removeControls();
    };
    // Once per map.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [map]);

  // The zone's layers, again whenever it was replaced from outside.
  useEffect(() => {
    for (const layer of zoneLayers.current) layer.remove();
    zoneLayers.current.clear();
    for (const polygon of zonePolygons(zone)) {
      const layer = L.polygon(toLatLngs(polygon), style.current);
      layer.addTo(map);
      track(layer);
    }
    const bounds = L.latLngBounds([]);
    for (const layer of zoneLayers.current) bounds.extend(layer.getBounds());
    if (location) bounds.extend([location.lat, location.lng]);
    if (!bounds.isValid()) for (const o of others) if (o.location) bounds.extend([o.location.lat, o.location.lng]);
    if (bounds.isValid()) map.fitBounds(bounds.pad(0.15), { maxZoom: 15 });
    // Only when the zone is replaced (its edits come from here).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [map, zoneVersion]);

  // The other stores, faint and not editable.
  useEffect(() => {
    const group = L.layerGroup();
    for (const o of others) {
      for (const polygon of zonePolygons(o.zone)) {
        L.polygon(toLatLngs(polygon), { color: '#757575', weight: 1, dashArray: '4 4', fillOpacity: 0.05, interactive: false, pmIgnore: true }).addTo(group);
      }
      if (o.location) {
        L.marker([o.location.lat, o.location.lng], {
          icon: L.divIcon({ className: 'qc-marker', html: `<div class="qc-store-code" style="background:#9e9e9e">${o.code.replace(/[^A-Za-z0-9-]/g, '')}</div>`, iconSize: [48, 26], iconAnchor: [24, 13] }),
          interactive: false,
          pmIgnore: true,
        }).addTo(group);
      }
    }
    group.addTo(map);
    return () => {
      group.remove();
    };
  }, [map, others]);

  // The store's own marker (draggable).
  useEffect(() => {
    if (!location) {
      marker.current?.remove();
      marker.current = null;
      return;
    }
    if (!marker.current) {
      const m = L.marker([location.lat, location.lng], { icon: storeIcon, draggable: true, pmIgnore: true, title: 'Store location', alt: 'Store location' });
      m.on('dragend', () => {
        const ll = m.getLatLng();
        callbacks.current.onLocation({ lat: Number(ll.lat.toFixed(6)), lng: Number(ll.lng.toFixed(6)) });
      });
      m.addTo(map);
      marker.current = m;
    } else {
      marker.current.setLatLng([location.lat, location.lng]);
    }
  }, [map, location]);

  useEffect(() => () => void marker.current?.remove(), []);

  // Zone colour follows the store's.
  useEffect(() => {
    for (const layer of zoneLayers.current) layer.setStyle(style.current);
    map.pm.setGlobalOptions({ pathOptions: style.current });
  }, [map, color]);

  useEffect(() => {
    map.getContainer().style.cursor = placing ? 'crosshair' : '';
  }, [map, placing]);

  return null;
}

export default function StoreZoneEditor(props: ZoneEditorProps) {
  const start = props.location ?? props.others.find((o) => o.location)?.location ?? config.storeLocation;
  return (
    <div
      role="region"
      aria-label="Map to place the store and draw its delivery zone"
      data-testid="zone-editor"
      className="qc-map-frame"
      style={{ height: props.height ?? 360 }}
    >
      <MapContainer center={[start.lat, start.lng]} zoom={12} className="qc-map" style={{ height: '100%', width: '100%' }}>
        <MapTiles />
        <Editor {...props} />
      </MapContainer>
      <MapLegend
        extra={[
          { key: 'store', label: 'This store', swatch: <KindSwatch kind="store" /> },
          { key: 'zone', label: 'Its zone', swatch: <span className="qc-legend-swatch" style={{ background: 'transparent', border: `2px solid ${props.color}`, borderRadius: 3, width: 16, height: 14 }} aria-hidden="true" /> },
          ...(props.others.length ? [{ key: 'others', label: 'Other stores', swatch: <span className="qc-legend-swatch" style={{ border: '2px dashed #757575', borderRadius: 3, width: 16, height: 14 }} aria-hidden="true" /> }] : []),
        ]}
      />
    </div>
  );
}
