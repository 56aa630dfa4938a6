/**
 * The store editor's form, pure: reading a store's free-form fields (hours, settings,
 * zone) safely, checking the form the way the server does, and building the request.
 */
import type {
  AdminStore,
  DispatchMode,
  LngLat,
  OpeningInterval,
  StoreHours,
  StoreRequest,
  StoreSettings,
  Weekday,
  ZoneGeometry,
} from '@/types/admin';

export const WEEKDAYS: { key: Weekday; label: string; short: string }[] = [
  { key: 'mon', label: 'Monday', short: 'Mon' },
  { key: 'tue', label: 'Tuesday', short: 'Tue' },
  { key: 'wed', label: 'Wednesday', short: 'Wed' },
  { key: 'thu', label: 'Thursday', short: 'Thu' },
  { key: 'fri', label: 'Friday', short: 'Fri' },
  { key: 'sat', label: 'Saturday', short: 'Sat' },
  { key: 'sun', label: 'Sunday', short: 'Sun' },
];

export const ALL_DAY: OpeningInterval = { open: '00:00', close: '24:00' };

/** The numeric settings (all but `dispatchMode`). */
export type NumericSetting = Exclude<keyof StoreSettings, 'dispatchMode'>;

/** The settings the editor shows, with the server's defaults as hints. */
export const SETTINGS: { key: NumericSetting; label: string; hint: string; unit: string; integer: boolean; min: number; max: number }[] = [
  { key: 'maxPromiseMinutes', label: 'Longest promise', hint: 'Busy above this; 0 = never busy (default 30)', unit: 'min', integer: true, min: 0, max: 1440 },
  { key: 'pickBaseMinutes', label: 'Picking time per order', hint: 'Default 2', unit: 'min', integer: false, min: 0, max: 120 },
  { key: 'pickPerItemSeconds', label: 'Picking time per item', hint: 'Default 12', unit: 's', integer: false, min: 0, max: 600 },
  { key: 'pickCapacity', label: 'Orders picked at once', hint: 'Pickers on shift (default 2)', unit: '', integer: true, min: 1, max: 1000 },
  { key: 'riderCycleMinutes', label: 'Rider round trip', hint: 'When all riders are out (default 16)', unit: 'min', integer: false, min: 1, max: 240 },
  { key: 'travelBufferMinutes', label: 'Travel buffer', hint: 'Parking, stairs, handover (default 2)', unit: 'min', integer: false, min: 0, max: 120 },
  { key: 'offerTimeoutSecs', label: 'Time to answer an offer', hint: 'Auto dispatch (default 20)', unit: 's', integer: true, min: 1, max: 600 },
  { key: 'maxOfferRounds', label: 'Offers before broadcasting', hint: 'Auto dispatch (default 5)', unit: '', integer: true, min: 1, max: 50 },
];

/** The store's dispatch mode as the server sent it (`broadcast` when absent). */
export function dispatchModeOf(value: unknown): DispatchMode {
  return isObject(value) && value.dispatchMode === 'auto' ? 'auto' : 'broadcast';
}

export type WeekHours = Record<Weekday, OpeningInterval[]>;

export interface StoreForm {
  code: string;
  name: string;
  address: string;
  lat: string;
  lng: string;
  zone: ZoneGeometry | null;
  zipCodes: string;
  timezone: string;
  hours: WeekHours;
  paused: boolean;
  settings: Record<NumericSetting, string>;
  dispatchMode: DispatchMode;
}

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The hours of a store as the server sent them (anything unreadable is left out = closed). */
export function hoursOf(value: unknown): WeekHours {
  const out = Object.fromEntries(WEEKDAYS.map((d) => [d.key, [] as OpeningInterval[]])) as WeekHours;
  if (!isObject(value)) return out;
  for (const { key } of WEEKDAYS) {
    const list = value[key];
    if (!Array.isArray(list)) continue;
    out[key] = list
      .filter((iv): iv is OpeningInterval => isObject(iv) && typeof iv.open === 'string' && typeof iv.close === 'string')
      .map((iv) => ({ open: iv.open, close: iv.close }));
  }
  return out;
}

export function settingsOf(value: unknown): StoreSettings {
  const out: StoreSettings = {};
  if (!isObject(value)) return out;
  for (const { key } of SETTINGS) {
    const v = value[key];
    if (typeof v === 'number' && Number.isFinite(v)) out[key] = v;
  }
  if (isObject(value) && (value.dispatchMode === 'auto' || value.dispatchMode === 'broadcast')) out.dispatchMode = value.dispatchMode;
  return out;
}

function isPosition(v: unknown): v is LngLat {
  return Array.isArray(v) && v.length >= 2 && typeof v[0] === 'number' && typeof v[1] === 'number';
}
function isRings(v: unknown): v is LngLat[][] {
  return Array.isArray(v) && v.every((ring) => Array.isArray(ring) && ring.every(isPosition));
}

/** A zone geometry, or null when the value is not a Polygon / MultiPolygon. */
export function zoneOf(value: unknown): ZoneGeometry | null {
  if (!isObject(value)) return null;
  if (value.type === 'Polygon' && isRings(value.coordinates)) {
    return { type: 'Polygon', coordinates: value.coordinates.map((r) => r.map(([lng, lat]) => [lng, lat] as LngLat)) };
  }
  if (value.type === 'MultiPolygon' && Array.isArray(value.coordinates) && value.coordinates.every(isRings)) {
    return {
      type: 'MultiPolygon',
      coordinates: (value.coordinates as LngLat[][][]).map((p) => p.map((r) => r.map(([lng, lat]) => [lng, lat] as LngLat))),
    };
  }
  return null;
}

/** A zone's polygons (each: outer ring, then holes). */
export function zonePolygons(zone: ZoneGeometry | null): LngLat[][][] {
  if (!zone) return [];
  return zone.type === 'Polygon' ? [zone.coordinates] : zone.coordinates;
}

/** Polygons (outer ring + holes, longitude first) as one geometry; null for none. */
export function zoneFromPolygons(polygons: LngLat[][][]): ZoneGeometry | null {
  const kept = polygons.filter((p) => p.length > 0 && p[0].length >= 4);
  if (kept.length === 0) return null;
  return kept.length === 1 ? { type: 'Polygon', coordinates: kept[0] } : { type: 'MultiPolygon', coordinates: kept };
}

export function zoneStats(zone: ZoneGeometry | null): { polygons: number; holes: number; vertices: number } {
  const polygons = zonePolygons(zone);
  return {
    polygons: polygons.length,
    holes: polygons.reduce((n, p) => n + Math.max(0, p.length - 1), 0),
    vertices: polygons.reduce((n, p) => n + p.reduce((m, ring) => m + Math.max(0, ring.length - 1), 0), 0),
  };
}

/** "400050, 400052 400053" → ["400050", "400052", "400053"] (trimmed, no repeats). */
export function parseZipCodes(text: string): string[] {
  const out: string[] = [];
  for (const part of text.split(/[\s,;]+/)) {
    const z = part.trim().toUpperCase();
    if (z && !out.includes(z)) out.push(z);
  }
  return out;
}

export function emptyForm(center: { lat: number; lng: number } | null): StoreForm {
  return {
    code: '',
    name: '',
    address: '',
    lat: center ? center.lat.toFixed(6) : '',
    lng: center ? center.lng.toFixed(6) : '',
    zone: null,
    zipCodes: '',
    timezone: 'Asia/Kolkata',
    hours: Object.fromEntries(WEEKDAYS.map((d) => [d.key, [ALL_DAY]])) as WeekHours,
    paused: false,
    settings: Object.fromEntries(SETTINGS.map((s) => [s.key, ''])) as StoreForm['settings'],
    dispatchMode: 'broadcast',
  };
}

export function formFromStore(store: AdminStore): StoreForm {
  const settings = settingsOf(store.settings);
  return {
    code: store.code,
    name: store.name,
    address: store.address,
    lat: store.location ? String(store.location.lat) : '',
    lng: store.location ? String(store.location.lng) : '',
    zone: zoneOf(store.zone),
    zipCodes: store.zipCodes.join(', '),
    timezone: store.timezone,
    hours: hoursOf(store.hours),
    paused: store.paused,
    settings: Object.fromEntries(SETTINGS.map((s) => [s.key, settings[s.key] != null ? String(settings[s.key]) : ''])) as StoreForm['settings'],
    dispatchMode: settings.dispatchMode ?? 'broadcast',
  };
}

export function isAllDay(list: readonly OpeningInterval[]): boolean {
  return list.length === 1 && list[0].open === '00:00' && (list[0].close === '24:00' || list[0].close === '00:00');
}

/** "Open 24 h", "06:00–01:00 every day", "Mon–Fri 07:00–23:00 · Sat, Sun closed". */
export function hoursSummary(value: unknown): string {
  const week = hoursOf(value);
  const text = (list: OpeningInterval[]) =>
    list.length === 0 ? 'closed' : isAllDay(list) ? '24 h' : list.map((iv) => `${iv.open}–${iv.close}`).join(', ');
  const texts = WEEKDAYS.map((d) => text(week[d.key]));
  if (texts.every((t) => t === texts[0])) return texts[0] === '24 h' ? 'Open 24 h' : texts[0] === 'closed' ? 'Always closed' : `${texts[0]} every day`;
  const groups: { from: number; to: number; text: string }[] = [];
  texts.forEach((t, i) => {
    const last = groups[groups.length - 1];
    if (last && last.text === t) last.to = i;
    else groups.push({ from: i, to: i, text: t });
  });
  return groups
    .map((g) => `${WEEKDAYS[g.from].short}${g.to > g.from ? `–${WEEKDAYS[g.to].short}` : ''} ${g.text}`)
    .join(' · ');
}

export type FormErrors = Partial<Record<string, string>>;

/** Check the form (as the server would) and build the request; `creating` sends the code. */
export function buildStoreRequest(form: StoreForm, creating: boolean): { errors: FormErrors; request: StoreRequest | null } {
  const errors: FormErrors = {};
  const code = form.code.trim().toUpperCase();
  if (creating && !/^[A-Z0-9-]{1,12}$/.test(code)) errors.code = 'Use 1 to 12 letters, digits or dashes.';
  const name = form.name.trim();
  if (!name || name.length > 80) errors.name = 'Give a name of 1 to 80 characters.';
  const lat = Number(form.lat);
  const lng = Number(form.lng);
  if (form.lat.trim() === '' || form.lng.trim() === '' || !Number.isFinite(lat) || !Number.isFinite(lng) || Math.abs(lat) > 90 || Math.abs(lng) > 180) {
    errors.location = 'Click the map where the store is, or type its latitude and longitude.';
  }
  const zipCodes = parseZipCodes(form.zipCodes);
  const badZip = zipCodes.find((z) => !/^[A-Z0-9 -]{3,10}$/.test(z));
  if (badZip) errors.zipCodes = `"${badZip}" is not a PIN code.`;
  if (!form.zone && zipCodes.length === 0) errors.zone = 'Draw a delivery zone on the map, or list the PIN codes the store serves.';
  if (!form.timezone.trim()) errors.timezone = 'Choose a time zone.';
  const hours: StoreHours = {};
  for (const { key, label } of WEEKDAYS) {
    const list = form.hours[key];
    if (!list.length) continue;
    for (const iv of list) {
      const closeOk = TIME.test(iv.close) || iv.close === '24:00';
      if (!TIME.test(iv.open) || !closeOk) errors[`hours.${key}`] = `${label}: use HH:MM times.`;
      else if (iv.open === iv.close) errors[`hours.${key}`] = `${label}: opening and closing times are the same.`;
    }
    hours[key] = list.map((iv) => ({ open: iv.open, close: iv.close }));
  }
  const settings: StoreSettings = { dispatchMode: form.dispatchMode };
  for (const s of SETTINGS) {
    const raw = form.settings[s.key].trim();
    if (!raw) continue;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < s.min || n > s.max || (s.integer && !Number.isInteger(n))) {
      errors[`settings.${s.key}`] = `${s.integer ? 'A whole number' : 'A number'} from ${s.min} to ${s.max}.`;
    } else {
      settings[s.key] = n;
    }
  }
  if (Object.keys(errors).length) return { errors, request: null };
  const request: StoreRequest = {
    name,
    address: form.address.trim(),
    location: { lat, lng },
    zone: form.zone,
    zipCodes,
    timezone: form.timezone.trim(),
    hours,
    paused: form.paused,
    settings,
  };
  if (creating) request.code = code;
  return { errors, request };
}
