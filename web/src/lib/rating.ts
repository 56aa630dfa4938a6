/**
 * Rating a delivery and tipping the rider (`POST /api/customer/orders/{id}/rating`): the
 * tip chips in minor units, the checks made before sending (the server's own limits), and
 * how a rating reads for the customer, the rider and admins.
 */
import { groupIndian } from '@/lib/format';
import type { OrderView, RatingRequest, RatingView } from '@/types/models';

/** The largest tip the server takes, in paise (₹500). */
export const MAX_TIP = 50_000;
/** The longest comment the server takes, in characters. */
export const MAX_COMMENT = 500;
/** The tip chips offered, in paise (₹10, ₹20, ₹30). */
export const TIP_CHIPS = [1000, 2000, 3000] as const;

/** What the customer picked for the tip: nothing, a chip (paise), or their own amount. */
export type TipChoice = { kind: 'none' } | { kind: 'chip'; amount: number } | { kind: 'custom' };

export const STAR_WORDS = ['', 'Bad', 'Poor', 'Okay', 'Good', 'Great'] as const;

/** "₹20" for whole rupees, "₹20.50" otherwise (tips are small, round amounts). */
export function tipLabel(paise: number): string {
  const rupees = paise / 100;
  return Number.isSafeInteger(rupees) ? `₹${groupIndian(rupees)}` : `₹${rupees.toFixed(2)}`;
}

/**
 * A custom tip typed in rupees ("25", "₹25", "25.50") → paise, or why it cannot be sent.
 * Empty is not a tip ("Enter an amount").
 */
export function parseTip(input: string): { paise: number } | { error: string } {
  const trimmed = input.trim().replace(/^₹\s*/, '').replace(/,/g, '');
  if (!trimmed) return { error: 'Enter an amount, or choose no tip.' };
  if (!/^\d+(\.\d{1,2})?$/.test(trimmed)) return { error: 'Enter the tip in rupees, e.g. 25 or 25.50.' };
  const paise = Math.round(Number(trimmed) * 100);
  if (paise <= 0) return { error: 'Enter an amount above ₹0, or choose no tip.' };
  if (paise > MAX_TIP) return { error: `Tips go up to ${tipLabel(MAX_TIP)}.` };
  return { paise };
}

/** The tip in paise for a choice (`custom`: what was typed), or why it cannot be sent. */
export function tipAmount(choice: TipChoice, customInput: string): { paise: number } | { error: string } {
  switch (choice.kind) {
    case 'none':
      return { paise: 0 };
    case 'chip':
      return { paise: choice.amount };
    case 'custom':
      return parseTip(customInput);
  }
}

export interface RatingDraft {
  /** 0 = no star chosen yet. */
  stars: number;
  comment: string;
  tip: TipChoice;
  customTip: string;
}

export interface RatingCheck {
  /** The request to send, when everything is fine. */
  body: RatingRequest | null;
  errors: { stars?: string; comment?: string; tip?: string };
}

/** Check a draft the way the server will (1–5 stars, a comment of at most 500 characters, a tip of ₹0–₹500). */
export function checkRating(draft: RatingDraft): RatingCheck {
  const errors: RatingCheck['errors'] = {};
  if (!Number.isInteger(draft.stars) || draft.stars < 1 || draft.stars > 5) errors.stars = 'Choose 1 to 5 stars.';
  const comment = draft.comment.trim();
  const length = [...comment].length;
  if (length > MAX_COMMENT) errors.comment = `Keep the comment to ${MAX_COMMENT} characters (it has ${length}).`;
  const tip = tipAmount(draft.tip, draft.customTip);
  if ('error' in tip) errors.tip = tip.error;
  if (errors.stars || errors.comment || errors.tip || 'error' in tip) return { body: null, errors };
  const body: RatingRequest = { rating: draft.stars };
  if (comment) body.comment = comment;
  if (tip.paise > 0) body.tip = tip.paise;
  return { body, errors };
}

/** "5★", "5★ · ₹20 tip" — how a rating reads in a line. */
export function ratingSummary(rating: Pick<RatingView, 'rating' | 'tip'>): string {
  return `${rating.rating}★${rating.tip > 0 ? ` · ${tipLabel(rating.tip)} tip` : ''}`;
}

/** The rider's toast for `order:rated`: "Rated 5★ · ₹20 tip". */
export function ratedToast(event: { rating: number; tip: number }): string {
  return `Rated ${ratingSummary({ rating: event.rating, tip: event.tip })}`;
}

/** A delivered order the customer has not rated yet. */
export function canRate(order: Pick<OrderView, 'status' | 'rating'>): boolean {
  return order.status === 'delivered' && !order.rating;
}

/** A partner's mean rating as shown to admins and the rider: "4.8★ · 12 ratings", or "No ratings yet". */
export function partnerRatingText(rating: number | null | undefined, count: number): string {
  if (rating == null || !count) return 'No ratings yet';
  return `${rating.toFixed(1)}★ · ${count} ${count === 1 ? 'rating' : 'ratings'}`;
}

/** Tips by order from the rider's delivered orders (those with a rating and a tip). */
export function tipsByOrder(orders: readonly Pick<OrderView, 'id' | 'rating'>[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const o of orders) if (o.rating && o.rating.tip > 0) out.set(o.id, o.rating.tip);
  return out;
}
