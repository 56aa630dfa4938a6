/** Leaflet `divIcon`s of the map's markers: a coloured disc with an inline SVG glyph. */
import L from 'leaflet';
import { pinHtml, type Glyph, type MarkerKind } from '@/components/map/marker-svg';

const cache = new Map<string, L.DivIcon>();

export function markerIcon(
  kind: MarkerKind,
  id = '',
  options: { glyph?: Glyph; testId?: string; size?: number } = {},
): L.DivIcon {
  const size = options.size ?? 34;
  const key = `${kind}:${id}:${options.glyph ?? ''}:${options.testId ?? ''}:${size}`;
  let icon = cache.get(key);
  if (!icon) {
    icon = L.divIcon({
      className: 'qc-marker',
      html: pinHtml(kind, id, options),
      iconSize: [size, size],
      iconAnchor: [size / 2, size / 2],
      tooltipAnchor: [0, -(size / 2 + 1)],
    });
    cache.set(key, icon);
  }
  return icon;
}
