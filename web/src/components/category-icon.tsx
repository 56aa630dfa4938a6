/**
 * Catalog categories as small drawn icons (MUI SvgIcons, like `icons.tsx`): one per kind
 * of category (`categoryIconKey` of its slug), a neutral one for the rest. They show the
 * same everywhere, unlike the categories' emoji (empty boxes without an emoji font).
 */
import type { SvgIconProps } from '@mui/material';
import { createSvgIcon } from '@mui/material/utils';
import { categoryIconKey, type CategoryIconKey } from '@/lib/category-icons';

/** A circle as a path, for cut-outs in a shape with `fillRule="evenodd"`. */
const dot = (cx: number, cy: number, r: number) => `M${cx - r} ${cy}a${r} ${r} 0 1 0 ${2 * r} 0a${r} ${r} 0 1 0 ${-2 * r} 0z`;

const ProduceIcon = createSvgIcon(
  <>
    <path d="M12 8.2c-1.1-.8-2.4-1.1-3.7-.9C5.6 7.7 4 10.2 4.3 13.3c.4 4 3 7.7 5.3 7.7.9 0 1.4-.4 2.4-.4s1.5.4 2.4.4c2.3 0 4.9-3.7 5.3-7.7.3-3.1-1.3-5.6-4-6-1.3-.2-2.6.1-3.7.9z" />
    <path d="M11.25 8V5.6c0-.8-.3-1.5-.9-2.1l1-1c.9.8 1.4 1.9 1.4 3.1V8z" />
    <path d="M13.2 5.8c.3-2.1 1.9-3.6 4.1-3.8-.3 2.1-1.9 3.6-4.1 3.8z" />
  </>,
  'Produce',
);

const DairyIcon = createSvgIcon(
  <>
    <path d="M8 2h8v2H8z" />
    <path fillRule="evenodd" d="M7.6 5h8.8l2.1 3.6V21a1 1 0 0 1-1 1h-11a1 1 0 0 1-1-1V8.6zM9 12v5.5h6V12z" />
  </>,
  'Dairy',
);

const GrainsIcon = createSvgIcon(
  <>
    <path d="M11.25 9h1.5v13h-1.5z" />
    <path d="M12 1.5c1.4 1.2 2 2.6 2 4s-.6 2.8-2 4c-1.4-1.2-2-2.6-2-4s.6-2.8 2-4z" />
    <path d="M11.4 12.6C8.6 12.3 7 10.4 7 7.6c2.8.3 4.4 2.2 4.4 5zM12.6 12.6c2.8-.3 4.4-2.2 4.4-5-2.8.3-4.4 2.2-4.4 5z" />
    <path d="M11.4 17.4C8.6 17.1 7 15.2 7 12.4c2.8.3 4.4 2.2 4.4 5zM12.6 17.4c2.8-.3 4.4-2.2 4.4-5-2.8.3-4.4 2.2-4.4 5z" />
  </>,
  'Grains',
);

const OilsIcon = createSvgIcon(
  <>
    <path d="M10 2h4v2h-4z" />
    <path
      fillRule="evenodd"
      d="M10.5 4.5h3v1.9c2.3.9 3.5 2.6 3.5 5v9.1a1.5 1.5 0 0 1-1.5 1.5h-7A1.5 1.5 0 0 1 7 20.5v-9.1c0-2.4 1.2-4.1 3.5-5zM12 11.5c-1.3 1.6-2 2.8-2 3.8a2 2 0 0 0 4 0c0-1-.7-2.2-2-3.8z"
    />
  </>,
  'Oils',
);

const SnacksIcon = createSvgIcon(
  <path fillRule="evenodd" d={`${dot(12, 12, 9.5)}${dot(8.6, 8.8, 1.4)}${dot(14.6, 7.8, 1.2)}${dot(15.6, 13.6, 1.5)}${dot(9.6, 15.4, 1.3)}${dot(12.2, 11.6, 0.9)}`} />,
  'Snacks',
);

const ColdDrinksIcon = createSvgIcon(
  <>
    <path d="m13.1 7.5 2.3-6 1.4.5-2.1 5.5z" />
    <path fillRule="evenodd" d="M5 7h14l-1.6 13.3A2 2 0 0 1 15.4 22H8.6a2 2 0 0 1-2-1.7zM9 11v2.6h2.6V11zm3.6 3v2.6h2.6V14z" />
  </>,
  'ColdDrinks',
);

const HotDrinksIcon = createSvgIcon(
  <path d="M20 3H4v10c0 2.21 1.79 4 4 4h6c2.21 0 4-1.79 4-4v-3h2c1.11 0 2-.89 2-2V5c0-1.11-.89-2-2-2zm0 5h-2V5h2v3zM4 19h16v2H4z" />,
  'HotDrinks',
);

const BreakfastIcon = createSvgIcon(
  <>
    <path d="M2.5 11h19c0 3.4-2 6.3-5 7.6V20a1 1 0 0 1-1 1h-7a1 1 0 0 1-1-1v-1.4c-3-1.3-5-4.2-5-7.6z" />
    <path d={`${dot(7.5, 8, 1.6)}${dot(12, 6.6, 1.6)}${dot(16.5, 8, 1.6)}`} />
  </>,
  'Breakfast',
);

const PersonalCareIcon = createSvgIcon(
  <>
    <path d="M8 2h6.5v1.8h-2.7V7h-1.6V3.8H8z" />
    <path fillRule="evenodd" d="M8 7.5h6a2 2 0 0 1 2 2V20a2 2 0 0 1-2 2H8a2 2 0 0 1-2-2V9.5a2 2 0 0 1 2-2zM8.5 12v5h5v-5z" />
  </>,
  'PersonalCare',
);

const CleaningIcon = createSvgIcon(
  <path d="M16 11h-1V3c0-1.1-.9-2-2-2h-2c-1.1 0-2 .9-2 2v8H8c-2.76 0-5 2.24-5 5v7h18v-7c0-2.76-2.24-5-5-5zm3 10h-2v-3c0-.55-.45-1-1-1s-1 .45-1 1v3h-2v-3c0-.55-.45-1-1-1s-1 .45-1 1v3H9v-3c0-.55-.45-1-1-1s-1 .45-1 1v3H5v-5c0-1.65 1.35-3 3-3h8c1.65 0 3 1.35 3 3v5z" />,
  'Cleaning',
);

const BabyIcon = createSvgIcon(
  <path d="M13 2v8h8c0-4.42-3.58-8-8-8zm6.32 13.89C20.37 14.54 21 12.84 21 11H6.44l-.95-2H2v2h2.22s1.89 4.07 2.12 4.42c-1.1.59-1.84 1.75-1.84 3.08C4.5 20.43 6.07 22 8 22c1.76 0 3.22-1.3 3.46-3h2.08c.24 1.7 1.7 3 3.46 3 1.93 0 3.5-1.57 3.5-3.5 0-1.04-.46-1.97-1.18-2.61zM8 20c-.83 0-1.5-.67-1.5-1.5S7.17 17 8 17s1.5.67 1.5 1.5S8.83 20 8 20zm9 0c-.83 0-1.5-.67-1.5-1.5S16.17 17 17 17s1.5.67 1.5 1.5S17.83 20 17 20z" />,
  'Baby',
);

const PharmacyIcon = createSvgIcon(
  <path d="M21 5h-2.64l1.14-3.14L17.15 1l-1.46 4H3v2l2 6-2 6v2h18v-2l-2-6 2-6V5zm-5 9h-3v3h-2v-3H8v-2h3V9h2v3h3v2z" />,
  'Pharmacy',
);

const OtherIcon = createSvgIcon(
  <>
    <path d="m12 2-5.5 9h11z" />
    <path d={dot(17.5, 17.5, 4.5)} />
    <path d="M3 13.5h8v8H3z" />
  </>,
  'Category',
);

/** "All categories": a grid of squares. */
export const AllCategoriesIcon = createSvgIcon(
  <path d="M4 8h4V4H4v4zm6 12h4v-4h-4v4zm-6 0h4v-4H4v4zm0-6h4v-4H4v4zm6 0h4v-4h-4v4zm6-10v4h4V4h-4zm-6 4h4V4h-4v4zm6 6h4v-4h-4v4zm0 6h4v-4h-4v4z" />,
  'AllCategories',
);

const ICONS: Record<CategoryIconKey, typeof OtherIcon> = {
  produce: ProduceIcon,
  dairy: DairyIcon,
  grains: GrainsIcon,
  oils: OilsIcon,
  snacks: SnacksIcon,
  'cold-drinks': ColdDrinksIcon,
  'hot-drinks': HotDrinksIcon,
  breakfast: BreakfastIcon,
  'personal-care': PersonalCareIcon,
  cleaning: CleaningIcon,
  baby: BabyIcon,
  pharmacy: PharmacyIcon,
  other: OtherIcon,
};

/** The icon of a category, by its slug (decorative: the category's name says what it is). */
export function CategoryIcon({ slug, ...props }: { slug: string } & SvgIconProps) {
  const Icon = ICONS[categoryIconKey(slug)];
  return <Icon data-icon={categoryIconKey(slug)} {...props} />;
}
