import type { EarningLine } from '@/types/models';

export interface DayTotal {
  /** YYYY-MM-DD in local time. */
  date: string;
  label: string;
  payout: number;
  deliveries: number;
}

function localDate(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** Payouts per day for the `days` days ending with `today` (oldest first, zero-filled). */
export function earningsByDay(lines: readonly EarningLine[], days: number, today: Date): DayTotal[] {
  const out: DayTotal[] = [];
  const index = new Map<string, DayTotal>();
  for (let i = days - 1; i >= 0; i--) {
    const d = new Date(today.getFullYear(), today.getMonth(), today.getDate() - i);
    const day: DayTotal = {
      date: localDate(d),
      label: d.toLocaleDateString('en-IN', { weekday: 'short' }),
      payout: 0,
      deliveries: 0,
    };
    out.push(day);
    index.set(day.date, day);
  }
  for (const line of lines) {
    const day = index.get(localDate(new Date(line.deliveredAt)));
    if (day) {
      day.payout += line.payout;
      day.deliveries += 1;
    }
  }
  return out;
}
