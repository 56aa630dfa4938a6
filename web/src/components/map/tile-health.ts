/**
 * Whether a tile source is worth asking for more tiles. On a machine without network
 * (or with the tile server down) every tile fails, and a map would keep asking for
 * dozens of them on each pan and zoom: after the first few failures with none loaded,
 * or a long run of failures, the map stops asking and shows a plain background. The
 * verdict is kept per tile URL for the page's life, so the next map does not try again.
 */

export interface TileHealthOptions {
  /** Failures, with no tile loaded at all, after which the source counts as unreachable. */
  maxFailuresBeforeAnyLoad?: number;
  /** Failures in a row (after some loaded) after which it counts as unreachable. */
  maxFailuresInARow?: number;
}

export type TileVerdict = 'ok' | 'unavailable';

export class TileHealth {
  private loaded = 0;
  private failures = 0;
  private inARow = 0;
  private verdict: TileVerdict = 'ok';
  private readonly maxBefore: number;
  private readonly maxInARow: number;

  constructor(options: TileHealthOptions = {}) {
    this.maxBefore = options.maxFailuresBeforeAnyLoad ?? 3;
    this.maxInARow = options.maxFailuresInARow ?? 12;
  }

  /** The first tile asked for alone, before a layer asks for dozens (see map-tiles.tsx). */
  probe: Promise<TileVerdict> | null = null;

  get state(): TileVerdict {
    return this.verdict;
  }

  loadedOne(): TileVerdict {
    if (this.verdict === 'ok') {
      this.loaded += 1;
      this.inARow = 0;
    }
    return this.verdict;
  }

  failedOne(): TileVerdict {
    if (this.verdict !== 'ok') return this.verdict;
    this.failures += 1;
    this.inARow += 1;
    if ((this.loaded === 0 && this.failures >= this.maxBefore) || this.inARow >= this.maxInARow) this.verdict = 'unavailable';
    return this.verdict;
  }
}

const registry = new Map<string, TileHealth>();

/** The shared record of one tile URL template. */
export function tileHealthOf(url: string, options?: TileHealthOptions): TileHealth {
  let health = registry.get(url);
  if (!health) {
    health = new TileHealth(options);
    registry.set(url, health);
  }
  return health;
}

/** For tests. */
export function resetTileHealth(): void {
  registry.clear();
}

/** Web Mercator tile numbers of a point at a zoom level (what `{x}` and `{y}` stand for). */
export function tileXY(lat: number, lng: number, zoom: number): { x: number; y: number; z: number } {
  const z = Math.max(0, Math.round(zoom));
  const n = 2 ** z;
  const clampedLat = Math.max(-85.05112878, Math.min(85.05112878, lat));
  const rad = (clampedLat * Math.PI) / 180;
  const x = Math.floor(((((lng + 180) % 360) + 360) % 360 / 360) * n);
  const y = Math.floor(((1 - Math.log(Math.tan(rad) + 1 / Math.cos(rad)) / Math.PI) / 2) * n);
  return { x: Math.min(n - 1, Math.max(0, x)), y: Math.min(n - 1, Math.max(0, y)), z };
}

/** One tile's URL from a Leaflet template (`{s}` is the first subdomain, `{r}` plain resolution). */
export function tileUrlFor(template: string, lat: number, lng: number, zoom: number): string {
  const { x, y, z } = tileXY(lat, lng, zoom);
  const values: Record<string, string> = { x: String(x), y: String(y), z: String(z), s: 'a', r: '' };
  return template.replace(/\{ *([\w_-]+) *\}/g, (whole, key: string) => values[key] ?? whole);
}
