import { lazy, Suspense, useEffect, useState } from 'react';
import { Badge, Box, IconButton, InputAdornment, OutlinedInput, Stack } from '@mui/material';
import { SearchIcon, TuneIcon } from '@/components/icons';
import { WhenOpened } from '@/components/when-opened';
import { AllCategoriesIcon, CategoryIcon } from '@/components/category-icon';
import { usePhone } from '@/hooks/use-phone';
import type { ProductSort } from '@/features/customer/api/catalog-api';
import type { CategoryView } from '@/types/models';

export const PRICE_RANGES: { key: string; label: string; min?: number; max?: number }[] = [
  { key: '', label: 'Any price' },
  { key: 'u50', label: 'Under ₹50', max: 4999 },
  { key: '50-100', label: '₹50 – ₹100', min: 5000, max: 10000 },
  { key: '100-250', label: '₹100 – ₹250', min: 10000, max: 25000 },
  { key: 'o250', label: 'Over ₹250', min: 25001 },
];

export const SORTS: { key: ProductSort; label: string }[] = [
  { key: 'popular', label: 'Popular' },
  { key: 'price_asc', label: 'Price: low to high' },
  { key: 'price_desc', label: 'Price: high to low' },
  { key: 'name', label: 'Name' },
  { key: 'newest', label: 'Newest' },
];

export interface CatalogFilterValue {
  search: string;
  category: string;
  inStock: boolean;
  price: string;
  sort: ProductSort;
}

// Price, sort and "in stock only" (selects, a switch; on a phone in a dialog): loaded after
// the first screen, which needs only the search field and the categories.
const PriceSortStock = lazy(() => import('@/features/customer/components/catalog-more-filters').then((m) => ({ default: m.PriceSortStock })));
const MoreFiltersDialog = lazy(() => import('@/features/customer/components/catalog-more-filters').then((m) => ({ default: m.MoreFiltersDialog })));

/**
 * The categories: a row of chips (as MUI's filled Chip looks; the chosen one in the primary
 * colour) that scrolls sideways. Plain buttons styled here, once: not a dozen MUI Chips
 * built at every render of the catalog's first screen.
 */
const CATEGORY_ROW_SX = {
  display: 'flex',
  gap: 1,
  overflowX: 'auto',
  py: '2px',
  scrollbarWidth: 'none',
  '&::-webkit-scrollbar': { display: 'none' },
  '& .qc-cat': {
    position: 'relative',
    display: 'inline-flex',
    alignItems: 'center',
    flexShrink: 0,
    // Each chip is a 44 px touch target (40 px drawn, the row's padding takes the rest).
    height: 40,
    minWidth: 44,
    m: 0,
    pl: 1,
    pr: 1.5,
    border: 0,
    borderRadius: '20px',
    bgcolor: 'rgba(0, 0, 0, 0.08)',
    color: 'text.primary',
    fontFamily: 'inherit',
    fontSize: '0.8125rem',
    lineHeight: 1.5,
    whiteSpace: 'nowrap',
    cursor: 'pointer',
    transition: 'background-color 150ms',
    '&:hover': { bgcolor: 'rgba(0, 0, 0, 0.12)' },
    '&:focus-visible': { outline: '2px solid', outlineColor: 'primary.main', outlineOffset: 2 },
    '&::after': { content: '""', position: 'absolute', inset: '-2px 0' },
    '& .MuiSvgIcon-root': { mr: 1.25, color: '#616161' },
  },
  '& .qc-cat[aria-pressed="true"]': {
    bgcolor: 'primary.main',
    color: 'primary.contrastText',
    '&:hover': { bgcolor: 'primary.dark' },
    '& .MuiSvgIcon-root': { color: 'inherit' },
  },
} as const;

/** How many of price, sort and "in stock only" differ from the defaults. */
function activeCount(value: CatalogFilterValue): number {
  return Number(value.price !== '') + Number(value.sort !== 'popular') + Number(value.inStock);
}

/**
 * Search, categories and the other filters. On a phone it takes two short rows (search
 * with a "Filters" button, then the category chips): price, sort and "in stock only" open
 * in a full-screen dialog, so the products start high on the first screen.
 */
export function CatalogFilters({
  value,
  categories,
  onChange,
  resultCount,
}: {
  value: CatalogFilterValue;
  categories: CategoryView[];
  onChange: (patch: Partial<CatalogFilterValue>) => void;
  /** Products matching now (for the phone dialog's "Show N products"). */
  resultCount?: number;
}) {
  const phone = usePhone();
  const [search, setSearch] = useState(value.search);
  const [moreOpen, setMoreOpen] = useState(false);
  useEffect(() => setSearch(value.search), [value.search]);
  useEffect(() => {
    if (search === value.search) return;
    const t = setTimeout(() => onChange({ search }), 300);
    return () => clearTimeout(t);
  }, [search, value.search, onChange]);
  const active = activeCount(value);

  return (
    <Stack spacing={1} sx={{ mb: { xs: 1, sm: 2 } }}>
      <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
        <OutlinedInput
          placeholder="Search milk, atta, chips…"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          onKeyDown={(e) => e.key === 'Enter' && onChange({ search })}
          size="small"
          fullWidth
          sx={{ minHeight: 44 }}
          startAdornment={
            <InputAdornment position="start">
              <SearchIcon fontSize="small" />
            </InputAdornment>
          }
          inputProps={{ 'aria-label': 'Search products', 'data-testid': 'catalog-search', type: 'search' }}
        />
        {phone && (
          <Badge badgeContent={active} color="primary" overlap="circular">
            <IconButton
              onClick={() => setMoreOpen(true)}
              aria-label={active ? `Filters and sort (${active} on)` : 'Filters and sort'}
              data-testid="catalog-more-filters"
              sx={{ width: 44, height: 44, border: 1, borderColor: 'divider', borderRadius: 2 }}
            >
              <TuneIcon />
            </IconButton>
          </Badge>
        )}
      </Stack>
      <Box sx={CATEGORY_ROW_SX} role="toolbar" aria-label="Categories">
        <button
          type="button"
          className="qc-cat"
          onClick={() => onChange({ category: '' })}
          aria-pressed={value.category === ''}
          aria-label="All categories"
          data-testid="category-chip-all"
        >
          <AllCategoriesIcon fontSize="small" />
          All
        </button>
        {categories.map((c) => (
          <button
            type="button"
            key={c.id}
            className="qc-cat"
            onClick={() => onChange({ category: value.category === c.slug ? '' : c.slug })}
            aria-pressed={value.category === c.slug}
            aria-label={`Category ${c.name}`}
            data-testid={`category-chip-${c.slug}`}
          >
            {/* Drawn, not the category's emoji (an empty box without an emoji font); in the
                category's colour until chosen (then the chip's own). */}
            <CategoryIcon slug={c.slug} fontSize="small" style={value.category === c.slug ? undefined : { color: c.color }} />
            {c.name}
          </button>
        ))}
      </Box>
      {!phone && (
        <Stack direction="row" sx={{ gap: 1.5, flexWrap: 'wrap', alignItems: 'center', minHeight: 44 }}>
          <Suspense fallback={null}>
            <PriceSortStock value={value} onChange={onChange} />
          </Suspense>
        </Stack>
      )}
      {phone && (
        <WhenOpened open={moreOpen}>
          <MoreFiltersDialog open={moreOpen} onClose={() => setMoreOpen(false)} value={value} onChange={onChange} resultCount={resultCount} active={active} />
        </WhenOpened>
      )}
    </Stack>
  );
}
