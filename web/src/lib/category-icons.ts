/**
 * Which drawn icon a catalog category gets, from its slug (the categories' own `icon` is
 * an emoji, an empty box on devices without an emoji font). The demo catalog's slugs are
 * named; a category added later is matched by the words of its slug ("fresh-fruits",
 * "frozen-snacks"), else it gets a neutral icon.
 */

export type CategoryIconKey =
  | 'produce'
  | 'dairy'
  | 'grains'
  | 'oils'
  | 'snacks'
  | 'cold-drinks'
  | 'hot-drinks'
  | 'breakfast'
  | 'personal-care'
  | 'cleaning'
  | 'baby'
  | 'pharmacy'
  | 'other';

const BY_SLUG: Record<string, CategoryIconKey> = {
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

/** Words of a slug that say which icon, first match wins (so "tea" before "drinks", "baby" before "care"). */
const BY_WORD: [CategoryIconKey, string[]][] = [
  ['baby', ['baby', 'babies', 'kids', 'diapers', 'diaper', 'infant']],
  ['hot-drinks', ['tea', 'coffee', 'chai']],
  ['cold-drinks', ['drinks', 'drink', 'juices', 'juice', 'beverages', 'soda', 'water', 'cold']],
  ['pharmacy', ['pharmacy', 'wellness', 'medicine', 'medicines', 'health', 'otc']],
  ['produce', ['fruits', 'fruit', 'vegetables', 'vegetable', 'veggies', 'produce', 'greens', 'herbs', 'fresh']],
  ['dairy', ['dairy', 'milk', 'bread', 'eggs', 'egg', 'bakery', 'cheese', 'paneer', 'butter', 'curd']],
  ['grains', ['atta', 'rice', 'dal', 'dals', 'flour', 'grains', 'pulses', 'staples']],
  ['oils', ['masala', 'masalas', 'oil', 'oils', 'ghee', 'spices', 'sugar', 'salt']],
  ['snacks', ['snacks', 'snack', 'munchies', 'chips', 'biscuits', 'namkeen', 'chocolates', 'sweets', 'cookies']],
  ['breakfast', ['breakfast', 'instant', 'cereal', 'cereals', 'noodles', 'oats', 'ready']],
  ['personal-care', ['personal', 'beauty', 'hygiene', 'skin', 'hair', 'bath', 'grooming']],
  ['cleaning', ['cleaning', 'cleaners', 'detergent', 'detergents', 'laundry', 'household']],
];

export function categoryIconKey(slug: string | null | undefined): CategoryIconKey {
  const s = (slug ?? '').trim().toLowerCase();
  const named = BY_SLUG[s];
  if (named) return named;
  const words = new Set(s.split(/[^a-z0-9]+/).filter(Boolean));
  for (const [key, list] of BY_WORD) if (list.some((w) => words.has(w))) return key;
  return 'other';
}
