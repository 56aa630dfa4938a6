/**
 * The app's configuration, read from Vite's env once and validated here. Nothing else
 * reads `import.meta.env`.
 */

const env = import.meta.env;

function text(value: unknown, fallback: string): string {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : fallback;
}

function flag(value: unknown, fallback: boolean): boolean {
  if (typeof value !== 'string' || value.trim() === '') return fallback;
  return !['false', '0', 'no', 'off'].includes(value.trim().toLowerCase());
}

function num(value: unknown, fallback: number): number {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  return Number.isFinite(n) ? n : fallback;
}

function tileUrl(value: unknown): string {
  const url = text(value, 'https://tile.openstreetmap.org/{z}/{x}/{y}.png');
  if (!url.includes('{z}') || !url.includes('{x}') || !url.includes('{y}')) {
    throw new Error(`VITE_TILE_URL must contain {z}, {x} and {y}: ${url}`);
  }
  return url;
}

export interface AppConfig {
  /** Prefix of REST calls; empty = same origin (the server serves the app). */
  readonly apiBaseUrl: string;
  /** Socket.io origin; empty = same origin. */
  readonly socketUrl: string;
  readonly tileUrl: string;
  readonly tileAttribution: string;
  /** The dark store, for admin maps (the server's QC_STORE_LAT/LNG; partners get it per order). */
  readonly storeLocation: { lat: number; lng: number };
  /** Demo helpers (route simulation for partners). */
  readonly demoMode: boolean;
  readonly isDev: boolean;
}

export const config: AppConfig = Object.freeze({
  apiBaseUrl: text(env.VITE_API_URL, '').replace(/\/$/, ''),
  socketUrl: text(env.VITE_SOCKET_URL, ''),
  tileUrl: tileUrl(env.VITE_TILE_URL),
  tileAttribution: text(env.VITE_TILE_ATTRIBUTION, '&copy; OpenStreetMap contributors'),
  storeLocation: { lat: num(env.VITE_STORE_LAT, 19.0596), lng: num(env.VITE_STORE_LNG, 72.8295) },
  demoMode: flag(env.VITE_DEMO_MODE, true),
  isDev: Boolean(env.DEV),
});
