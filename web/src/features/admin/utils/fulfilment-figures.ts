/** The admin's fulfilment figures in words (pure). */
import { urgencyOf } from '@/features/picker/utils/pick-list';
import type { FulfilmentFiguresView, PickerOrderView } from '@/types/fulfilment';

function minutes(n: number): string {
  return n < 10 ? `${n.toFixed(1)} min` : `${Math.round(n)} min`;
}

export function figureText(f: FulfilmentFiguresView): { avgPick: string; shortRate: string; promise: string } {
  return {
    avgPick: f.avgPickMinutes != null ? minutes(f.avgPickMinutes) : '—',
    shortRate: f.shortRate != null ? `${Math.round(f.shortRate * 1000) / 10}%` : '—',
    promise: `${minutes(f.pickBaseMinutes)} + ${Math.round(f.pickPerItemSeconds)} s/item`,
  };
}

/** "Due in 12 min" / "Late by 3 min" for a queue row. */
export function queueRowText(o: Pick<PickerOrderView, 'promisedAt'>, now: number): { due: string; late: boolean } {
  const u = urgencyOf(o.promisedAt, now);
  return { due: u.tone === 'none' ? '—' : u.text, late: u.tone === 'late' };
}
