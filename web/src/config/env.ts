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
  /** Demo helpers (route simulation for partners). */
  readonly demoMode: boolean;
  readonly isDev: boolean;
}

export const config: AppConfig = Object.freeze({
  apiBaseUrl: text(env.VITE_API_URL, '').replace(/\/$/, ''),
  socketUrl: text(env.VITE_SOCKET_URL, ''),
  tileUrl: tileUrl(env.VITE_TILE_URL),
  tileAttribution: text(env.VITE_TILE_ATTRIBUTION, '&copy; OpenStreetMap contributors'),
  demoMode: flag(env.VITE_DEMO_MODE, true),
  isDev: Boolean(env.DEV),
});
