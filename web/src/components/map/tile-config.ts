/**
 * Where map tiles come from, decided at run time: the server's `GET /api/config`
 * (`QC_MAP_TILE_URL` / `QC_MAP_TILE_ATTRIBUTION`), else the build's default
 * (`VITE_TILE_URL`, see config/env.ts) when the call fails or the server has no such
 * route. Asked once per page load, and only by pages that show a map.
 */
import { config } from '@/config/env';
import { loadConfigPayload, resetAppConfig } from '@/lib/app-config';

export interface TileSource {
  url: string;
  attribution: string;
  /** Where it came from (`server` or the build's `default`). */
  origin: 'server' | 'default';
}

export const DEFAULT_TILES: TileSource = Object.freeze({
  url: config.tileUrl,
  attribution: config.tileAttribution,
  origin: 'default' as const,
});

/** A tile URL template Leaflet can use: http(s) or same-origin, with {z}, {x} and {y}. */
export function isTileTemplate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const url = value.trim();
  if (!url.includes('{z}') || !url.includes('{x}') || !url.includes('{y}')) return false;
  return /^https?:\/\//i.test(url) || (url.startsWith('/') && !url.startsWith('//'));
}

/**
 * The tile source from the body of `GET /api/config`
 * (`{success, config: {mapTileUrl, mapAttribution}}`): the fallback for anything else.
 */
export function tileSourceFrom(payload: unknown, fallback: TileSource = DEFAULT_TILES): TileSource {
  if (typeof payload !== 'object' || payload === null) return fallback;
  const body = payload as { success?: unknown; config?: { mapTileUrl?: unknown; mapAttribution?: unknown } };
  if (body.success === false || typeof body.config !== 'object' || body.config === null) return fallback;
  const { mapTileUrl, mapAttribution } = body.config;
  if (!isTileTemplate(mapTileUrl)) return fallback;
  return {
    url: mapTileUrl.trim(),
    attribution: typeof mapAttribution === 'string' ? mapAttribution : '',
    origin: 'server',
  };
}

/**
 * The tile source, from the server's config (one `GET /api/config` per page load, shared
 * with lib/app-config.ts); a failure or a 404 falls back to the build's default.
 */
export function loadTileSource(fetcher: typeof fetch = fetch): Promise<TileSource> {
  return loadConfigPayload(fetcher).then((payload) => tileSourceFrom(payload));
}

/** For tests: forget the answer. */
export function resetTileSource(): void {
  resetAppConfig();
}
