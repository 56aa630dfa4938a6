/** A small key in a map's corner: which marker is the store, the rider, the destination. */
import type { ReactNode } from 'react';
import { glyphOf, glyphPath, KIND_LABELS, PIN_COLORS, type Glyph, type MarkerKind } from '@/components/map/marker-svg';

export interface LegendItem {
  key: string;
  label: string;
  swatch: ReactNode;
}

/** The round pin of a marker kind, small. */
export function KindSwatch({ kind, glyph }: { kind: MarkerKind; glyph?: Glyph }) {
  return (
    <span className="qc-legend-swatch" style={{ background: PIN_COLORS[kind] }} aria-hidden="true">
      <svg viewBox="0 0 24 24" width="12" height="12" fill="#fff" focusable="false">
        <path d={glyphPath(glyph ?? glyphOf(kind))} />
      </svg>
    </span>
  );
}

/** The marker kinds in the order the legend lists them. */
const ORDER: MarkerKind[] = ['store', 'rider', 'offline', 'destination'];

/** The kinds to list: those on the map, in a fixed order, each once. */
export function legendKinds(kinds: Iterable<MarkerKind>): MarkerKind[] {
  const present = new Set(kinds);
  return ORDER.filter((k) => present.has(k));
}

export function MapLegend({ kinds = [], extra = [], testId = 'map-legend' }: { kinds?: MarkerKind[]; extra?: LegendItem[]; testId?: string }) {
  const items: LegendItem[] = [
    ...legendKinds(kinds).map((kind) => ({ key: kind, label: KIND_LABELS[kind], swatch: <KindSwatch kind={kind} /> })),
    ...extra,
  ];
  if (items.length === 0) return null;
  return (
    <ul className="qc-legend" aria-label="Map legend" data-testid={testId}>
      {items.map((item) => (
        <li key={item.key} data-kind={item.key}>
          {item.swatch}
          <span>{item.label}</span>
        </li>
      ))}
    </ul>
  );
}
