import { describe, expect, it } from 'vitest';
import { categoryIconKey } from '@/lib/category-icons';

describe('category icons', () => {
  it('names an icon for every demo category', () => {
    const demo = {
      'fruits-vegetables': 'produce',
      'dairy-bread-eggs': 'dairy',
      'atta-rice-dal': 'grains',
      'masala-oils': 'oils',
      'snacks-munchies': 'snacks',
      'cold-drinks-juices': 'cold-drinks',
      'tea-coffee-health-drinks': 'hot-drinks',
      'breakfast-instant': 'breakfast',
      'personal-care': 'personal-care',
      'cleaning-essentials': 'cleaning',
      'baby-care': 'baby',
      'pharmacy-wellness': 'pharmacy',
    };
    for (const [slug, key] of Object.entries(demo)) expect(categoryIconKey(slug)).toBe(key);
    // Twelve categories, twelve different icons.
    expect(new Set(Object.keys(demo).map(categoryIconKey)).size).toBe(12);
  });

  it('matches a new category by the words of its slug', () => {
    expect(categoryIconKey('fresh-fruits')).toBe('produce');
    expect(categoryIconKey('Green-Tea')).toBe('hot-drinks');
    expect(categoryIconKey('energy-drinks')).toBe('cold-drinks');
    expect(categoryIconKey('baby-personal-care')).toBe('baby');
    expect(categoryIconKey('home_cleaning')).toBe('cleaning');
    expect(categoryIconKey('biscuits-cookies')).toBe('snacks');
  });

  it('gives anything else the neutral icon', () => {
    expect(categoryIconKey('pet-supplies')).toBe('other');
    expect(categoryIconKey('')).toBe('other');
    expect(categoryIconKey(null)).toBe('other');
    // "care" alone says nothing ("pet-care"), nor part of a word ("teapot" is not "tea").
    expect(categoryIconKey('pet-care')).toBe('other');
    expect(categoryIconKey('teapots')).toBe('other');
  });
});
