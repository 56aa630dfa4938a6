/**
 * The customer's choice, per product, of what the store does when it runs short:
 * `best_match` (the default: a similar product; a dearer one needs a yes) or `refund`.
 * Only refunds are remembered (in this browser, per user), so a product someone never
 * wants swapped stays that way from one order to the next.
 */
import type { SubstitutionPref } from '@/types/fulfilment';

export type SubstitutionPrefs = Readonly<Record<string, SubstitutionPref>>;

export const DEFAULT_SUBSTITUTION: SubstitutionPref = 'best_match';

export function choiceOf(prefs: SubstitutionPrefs, productId: string): SubstitutionPref {
  return prefs[productId] === 'refund' ? 'refund' : DEFAULT_SUBSTITUTION;
}

/** The prefs with one product's choice (a default choice is simply not stored). */
export function withChoice(prefs: SubstitutionPrefs, productId: string, choice: SubstitutionPref): SubstitutionPrefs {
  const next = { ...prefs };
  if (choice === 'refund') next[productId] = 'refund';
  else delete next[productId];
  return next;
}

/** Order lines with the customer's choice on each. */
export function linesWithChoices<T extends { productId: string }>(items: readonly T[], prefs: SubstitutionPrefs): (T & { substitution: SubstitutionPref })[] {
  return items.map((item) => ({ ...item, substitution: choiceOf(prefs, item.productId) }));
}

/** Stored prefs, read defensively (anything unexpected is dropped). */
export function parsePrefs(raw: string | null): SubstitutionPrefs {
  if (!raw) return {};
  try {
    const value: unknown = JSON.parse(raw);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
    const out: Record<string, SubstitutionPref> = {};
    for (const [id, choice] of Object.entries(value as Record<string, unknown>)) {
      if (choice === 'refund') out[id] = 'refund';
    }
    return out;
  } catch {
    return {};
  }
}

export function prefsKey(userId: string | null | undefined): string {
  return `qc.substitutions.${userId ?? 'anon'}`;
}
