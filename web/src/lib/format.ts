/**
 * Display helpers: money is integer paise, shown as ₹ with two decimals.
 *
 * Money, dates and times are written out here rather than by `Intl` (`toLocaleString`):
 * the first `Intl` call of a page loads the locale's data, ~80 ms for the number format and
 * ~45 ms for dates on a fast machine (four times that on a mid-range phone), in the middle
 * of the first render. The words are those of `en-IN` (the tests check them against `Intl`).
 */

let inr: Intl.NumberFormat | null = null;

/** "1,23,456": Indian digit grouping (the last three digits, then pairs). */
export function groupIndian(whole: number): string {
  const digits = String(whole);
  if (digits.length <= 3) return digits;
  const head = digits.slice(0, -3);
  const pairs = head.replace(/\B(?=(\d{2})+$)/g, ',');
  return `${pairs},${digits.slice(-3)}`;
}

export function formatMoney(paise: number): string {
  if (!Number.isSafeInteger(paise)) {
    // Fractions of a paisa (never sent by the server): rounded as Intl rounds them.
    inr ??= new Intl.NumberFormat('en-IN', { style: 'currency', currency: 'INR', minimumFractionDigits: 2, maximumFractionDigits: 2 });
    return inr.format(paise / 100);
  }
  const abs = Math.abs(paise);
  const text = `₹${groupIndian(Math.floor(abs / 100))}.${String(abs % 100).padStart(2, '0')}`;
  return paise < 0 ? `-${text}` : text;
}

/** Rupees typed by a person ("49.50") → paise; null when not a valid amount. */
export function parseRupees(input: string): number | null {
  const trimmed = input.trim();
  if (!/^\d+(\.\d{1,2})?$/.test(trimmed)) return null;
  return Math.round(Number(trimmed) * 100);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sept', 'Oct', 'Nov', 'Dec'];

function parseDate(iso: string | null | undefined): Date | null {
  if (!iso) return null;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date;
}

const two = (n: number) => String(n).padStart(2, '0');

/** The hour on a 12-hour clock (12, 1 … 11) and "am" / "pm", in local time. */
function clock(date: Date): { hour: number; half: 'am' | 'pm' } {
  const h = date.getHours();
  return { hour: h % 12 === 0 ? 12 : h % 12, half: h < 12 ? 'am' : 'pm' };
}

/** "3 Sept 2026, 4:07 pm" (local time). */
export function formatDateTime(iso: string | null | undefined): string {
  const date = parseDate(iso);
  if (!date) return '—';
  const { hour, half } = clock(date);
  return `${date.getDate()} ${MONTHS[date.getMonth()]} ${date.getFullYear()}, ${hour}:${two(date.getMinutes())} ${half}`;
}

/** "04:07:09 pm" (local time). */
export function formatTime(iso: string | null | undefined): string {
  const date = parseDate(iso);
  if (!date) return '—';
  const { hour, half } = clock(date);
  return `${two(hour)}:${two(date.getMinutes())}:${two(date.getSeconds())} ${half}`;
}

export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

export function formatDistance(meters: number | null | undefined): string {
  if (meters === null || meters === undefined) return '—';
  return meters < 1000 ? `${Math.round(meters)} m` : `${(meters / 1000).toFixed(1)} km`;
}

/** A time of day as people say it ("2:32 pm"). */
export function formatClock(iso: string | null | undefined): string {
  const date = parseDate(iso);
  if (!date) return '—';
  const { hour, half } = clock(date);
  return `${hour}:${two(date.getMinutes())} ${half}`;
}
