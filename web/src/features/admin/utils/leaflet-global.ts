/**
 * Leaflet plugins written as scripts (leaflet-geoman) extend the global `L`: make sure it
 * is the same Leaflet the app imports, before such a plugin is evaluated (import this first).
 */
import L from 'leaflet';

(globalThis as unknown as { L: typeof L }).L = L;

export default L;
