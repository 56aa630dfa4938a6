/**
 * The map's marker pictures as inline SVG markup (no emoji: without an emoji font, as on
 * many phones and in headless Chromium, they are drawn as empty boxes; no image files:
 * markers show even when nothing but the page loads). Pure strings, shared by the
 * Leaflet markers and the legend.
 */

export type MarkerKind = 'store' | 'rider' | 'destination' | 'offline';

/** Material icon paths (24 × 24): storefront, two-wheeler, home, and a pin for a picked point. */
const PATHS = {
  store: 'M20 4H4v2h16V4zm1 10v-2l-1-5H4l-1 5v2h1v6h10v-6h4v6h2v-6h1zm-9 4H6v-4h6v4z',
  rider:
    'M19 7c0-1.1-.9-2-2-2h-3v2h3v2.65L13.52 14H10V9H6c-2.21 0-4 1.79-4 4v3h2c0 1.66 1.34 3 3 3s3-1.34 3-3h4.48L19 10.35V7zM7 17c-.55 0-1-.45-1-1h2c0 .55-.45 1-1 1zM5 6h5v2H5zm14 7c-1.66 0-3 1.34-3 3s1.34 3 3 3 3-1.34 3-3-1.34-3-3-3zm0 4c-.55 0-1-.45-1-1s.45-1 1-1 1 .45 1 1-.45 1-1 1z',
  destination: 'M10 20v-6h4v6h5v-8h3L12 3 2 12h3v8z',
  pin: 'M12 2C8.13 2 5 5.13 5 9c0 5.25 7 13 7 13s7-7.75 7-13c0-3.87-3.13-7-7-7zm0 9.5c-1.38 0-2.5-1.12-2.5-2.5s1.12-2.5 2.5-2.5 2.5 1.12 2.5 2.5-1.12 2.5-2.5 2.5z',
} as const;

export type Glyph = keyof typeof PATHS;

const GLYPH_OF: Record<MarkerKind, Glyph> = { store: 'store', rider: 'rider', destination: 'destination', offline: 'rider' };

/** Fill colours of the round pins (white glyph on top), matching map.css. */
export const PIN_COLORS: Record<MarkerKind, string> = {
  store: '#6a1b9a',
  rider: '#e65100',
  destination: '#1565c0',
  offline: '#757575',
};

/** What each kind is called in the legend. */
export const KIND_LABELS: Record<MarkerKind, string> = {
  store: 'Store',
  rider: 'Rider',
  destination: 'Destination',
  offline: 'Rider (offline)',
};

/** The path data of a glyph (24 × 24 view box). */
export function glyphPath(glyph: Glyph): string {
  return PATHS[glyph];
}

/** The glyph a marker kind shows. */
export function glyphOf(kind: MarkerKind): Glyph {
  return GLYPH_OF[kind];
}

/** A white glyph as an `<svg>` element's markup (decorative: the marker carries the name). */
export function glyphSvg(glyph: Glyph, size = 18, color = '#fff'): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="${size}" height="${size}" fill="${color}" aria-hidden="true" focusable="false"><path d="${PATHS[glyph]}"/></svg>`;
}

/** The SVG of a marker kind's glyph. */
export function kindSvg(kind: MarkerKind, size = 18): string {
  return glyphSvg(GLYPH_OF[kind], size);
}

/** Only letters, digits, `_` and `-`: safe inside an HTML attribute. */
export function safeAttr(value: string): string {
  return value.replace(/[^a-zA-Z0-9_-]/g, '');
}

/** The whole marker's markup: a coloured disc with the white glyph, tagged for tests. */
export function pinHtml(kind: MarkerKind, id = '', options: { glyph?: Glyph; testId?: string } = {}): string {
  const glyph = options.glyph ?? GLYPH_OF[kind];
  const testId = safeAttr(options.testId ?? `marker-${kind}`);
  return `<div class="qc-pin qc-pin-${kind}" data-testid="${testId}" data-marker-id="${safeAttr(id)}">${glyphSvg(glyph)}</div>`;
}
