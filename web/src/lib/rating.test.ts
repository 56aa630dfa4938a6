import { describe, expect, it } from 'vitest';
import {
  canRate,
  checkRating,
  MAX_TIP,
  parseTip,
  partnerRatingText,
  ratedToast,
  ratingSummary,
  TIP_CHIPS,
  tipAmount,
  tipLabel,
  tipsByOrder,
  type RatingDraft,
} from '@/lib/rating';

const draft = (over: Partial<RatingDraft> = {}): RatingDraft => ({ stars: 5, comment: '', tip: { kind: 'none' }, customTip: '', ...over });

describe('tips', () => {
  it('offers ₹10, ₹20 and ₹30 as paise', () => {
    expect(TIP_CHIPS).toEqual([1000, 2000, 3000]);
    expect(TIP_CHIPS.map(tipLabel)).toEqual(['₹10', '₹20', '₹30']);
  });
  it('sends a chip as its paise and no tip as 0', () => {
    expect(tipAmount({ kind: 'chip', amount: 2000 }, '')).toEqual({ paise: 2000 });
    expect(tipAmount({ kind: 'none' }, '99')).toEqual({ paise: 0 });
  });
  it('reads a custom tip typed in rupees', () => {
    expect(parseTip('25')).toEqual({ paise: 2500 });
    expect(parseTip(' ₹25.50 ')).toEqual({ paise: 2550 });
    expect(parseTip('1,00')).toEqual({ paise: 10000 });
    expect(parseTip('500')).toEqual({ paise: MAX_TIP });
    expect(tipAmount({ kind: 'custom' }, '40')).toEqual({ paise: 4000 });
  });
  it('refuses custom tips the server would refuse, in words', () => {
    expect(parseTip('')).toEqual({ error: 'Enter an amount, or choose no tip.' });
    expect(parseTip('0')).toEqual({ error: 'Enter an amount above ₹0, or choose no tip.' });
    expect(parseTip('500.01')).toEqual({ error: 'Tips go up to ₹500.' });
    expect(parseTip('-5')).toHaveProperty('error');
    expect(parseTip('12.345')).toHaveProperty('error');
    expect(parseTip('abc')).toHaveProperty('error');
  });
  it('labels odd amounts with paise', () => {
    expect(tipLabel(2550)).toBe('₹25.50');
    expect(tipLabel(50000)).toBe('₹500');
  });
});

describe('checkRating', () => {
  it('builds the request: stars, a trimmed comment, the tip in paise', () => {
    expect(checkRating(draft({ stars: 4, comment: '  Quick and polite ', tip: { kind: 'chip', amount: 2000 } }))).toEqual({
      body: { rating: 4, comment: 'Quick and polite', tip: 2000 },
      errors: {},
    });
  });
  it('leaves out an empty comment and a zero tip', () => {
    expect(checkRating(draft({ stars: 3, comment: '   ' })).body).toEqual({ rating: 3 });
  });
  it('needs 1 to 5 stars', () => {
    expect(checkRating(draft({ stars: 0 }))).toEqual({ body: null, errors: { stars: 'Choose 1 to 5 stars.' } });
    expect(checkRating(draft({ stars: 6 })).errors.stars).toBeDefined();
    expect(checkRating(draft({ stars: 2.5 })).errors.stars).toBeDefined();
  });
  it('refuses a comment over 500 characters and a bad custom tip', () => {
    const check = checkRating(draft({ comment: 'x'.repeat(501), tip: { kind: 'custom' }, customTip: '600' }));
    expect(check.body).toBeNull();
    expect(check.errors.comment).toBe('Keep the comment to 500 characters (it has 501).');
    expect(check.errors.tip).toBe('Tips go up to ₹500.');
    expect(checkRating(draft({ comment: 'é'.repeat(500) })).body).not.toBeNull();
  });
});

describe('how ratings read', () => {
  it('summarises stars and tip', () => {
    expect(ratingSummary({ rating: 5, tip: 2000 })).toBe('5★ · ₹20 tip');
    expect(ratingSummary({ rating: 3, tip: 0 })).toBe('3★');
    expect(ratedToast({ rating: 5, tip: 2000 })).toBe('Rated 5★ · ₹20 tip');
  });
  it('offers rating only for a delivered, unrated order', () => {
    expect(canRate({ status: 'delivered', rating: null })).toBe(true);
    expect(canRate({ status: 'delivered' })).toBe(true);
    expect(canRate({ status: 'on_the_way', rating: null })).toBe(false);
    expect(canRate({ status: 'delivered', rating: { rating: 4, tip: 0, at: '2025-01-01T00:00:00Z' } })).toBe(false);
  });
  it("says a partner's mean rating and count", () => {
    expect(partnerRatingText(4.84, 12)).toBe('4.8★ · 12 ratings');
    expect(partnerRatingText(5, 1)).toBe('5.0★ · 1 rating');
    expect(partnerRatingText(null, 0)).toBe('No ratings yet');
  });
  it('collects tips by order', () => {
    const tips = tipsByOrder([
      { id: 'a', rating: { rating: 5, tip: 2000, at: '' } },
      { id: 'b', rating: { rating: 4, tip: 0, at: '' } },
      { id: 'c', rating: null },
    ]);
    expect([...tips]).toEqual([['a', 2000]]);
  });
});
