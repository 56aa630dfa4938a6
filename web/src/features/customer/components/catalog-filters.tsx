import { useEffect, useState } from 'react';
import {
  Badge,
  Box,
  Button,
  Chip,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  FormControl,
  FormControlLabel,
  IconButton,
  InputAdornment,
  InputLabel,
  MenuItem,
  Select,
  Stack,
  Switch,
  TextField,
  Typography,
} from '@mui/material';
import { CloseIcon, SearchIcon, TuneIcon } from '@/components/icons';
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

/** How many of price, sort and "in stock only" differ from the defaults. */
function activeCount(value: CatalogFilterValue): number {
  return Number(value.price !== '') + Number(value.sort !== 'popular') + Number(value.inStock);
}

function PriceSortStock({ value, onChange }: { value: CatalogFilterValue; onChange: (patch: Partial<CatalogFilterValue>) => void }) {
  return (
    <>
      <FormControl size="small" sx={{ minWidth: 150 }}>
        <InputLabel id="price-filter-label">Price</InputLabel>
        <Select
          labelId="price-filter-label"
          label="Price"
          value={value.price}
          onChange={(e) => onChange({ price: e.target.value })}
          inputProps={{ 'aria-label': 'Price range' }}
          data-testid="price-filter"
        >
          {PRICE_RANGES.map((r) => (
            <MenuItem key={r.key} value={r.key}>
              {r.label}
            </MenuItem>
          ))}
        </Select>
      </FormControl>
      <FormControl size="small" sx={{ minWidth: 170 }}>
        <InputLabel id="sort-label">Sort by</InputLabel>
        <Select
          labelId="sort-label"
          label="Sort by"
          value={value.sort}
          onChange={(e) => onChange({ sort: e.target.value as ProductSort })}
          inputProps={{ 'aria-label': 'Sort products' }}
          data-testid="sort-select"
        >
          {SORTS.map((s) => (
            <MenuItem key={s.key} value={s.key}>
              {s.label}
            </MenuItem>
          ))}
        </Select>
      </FormControl>
      <FormControlLabel
        sx={{ minHeight: 44 }}
        control={
          <Switch
            checked={value.inStock}
            onChange={(e) => onChange({ inStock: e.target.checked })}
            slotProps={{ input: { 'aria-label': 'Only products in stock' } }}
            data-testid="in-stock-filter"
          />
        }
        label="In stock only"
      />
    </>
  );
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
        <TextField
          placeholder="Search milk, atta, chips…"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          onKeyDown={(e) => e.key === 'Enter' && onChange({ search })}
          size="small"
          fullWidth
          sx={{ '& .MuiInputBase-root': { minHeight: 44 } }}
          slotProps={{
            input: {
              startAdornment: (
                <InputAdornment position="start">
                  <SearchIcon fontSize="small" />
                </InputAdornment>
              ),
            },
            htmlInput: { 'aria-label': 'Search products', 'data-testid': 'catalog-search', type: 'search' },
          }}
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
      <Box
        sx={{
          display: 'flex',
          gap: 1,
          overflowX: 'auto',
          py: '2px',
          scrollbarWidth: 'none',
          '&::-webkit-scrollbar': { display: 'none' },
          // Each chip is a 44 px touch target (40 px drawn, the row's padding takes the rest).
          '& .MuiChip-root': { height: 40, minWidth: 44, borderRadius: 20, flexShrink: 0, position: 'relative' },
          '& .MuiChip-icon': { ml: 1, mr: -0.25 },
          '& .MuiChip-root::after': { content: '""', position: 'absolute', inset: '-2px 0' },
        }}
        role="toolbar"
        aria-label="Categories"
      >
        <Chip
          label="All"
          icon={<AllCategoriesIcon fontSize="small" />}
          color={value.category === '' ? 'primary' : 'default'}
          onClick={() => onChange({ category: '' })}
          aria-pressed={value.category === ''}
          aria-label="All categories"
          data-testid="category-chip-all"
        />
        {categories.map((c) => (
          <Chip
            key={c.id}
            label={c.name}
            // Drawn, not the category's emoji (an empty box without an emoji font); in the
            // category's colour until chosen (then the chip's own).
            icon={<CategoryIcon slug={c.slug} fontSize="small" style={value.category === c.slug ? undefined : { color: c.color }} />}
            color={value.category === c.slug ? 'primary' : 'default'}
            onClick={() => onChange({ category: value.category === c.slug ? '' : c.slug })}
            aria-pressed={value.category === c.slug}
            aria-label={`Category ${c.name}`}
            data-testid={`category-chip-${c.slug}`}
          />
        ))}
      </Box>
      {!phone && (
        <Stack direction="row" sx={{ gap: 1.5, flexWrap: 'wrap', alignItems: 'center' }}>
          <PriceSortStock value={value} onChange={onChange} />
        </Stack>
      )}
      {phone && (
        <Dialog open={moreOpen} onClose={() => setMoreOpen(false)} fullScreen aria-labelledby="filters-title" data-testid="catalog-filters-dialog">
          <DialogTitle id="filters-title" sx={{ display: 'flex', alignItems: 'center', pr: 1 }}>
            <Box component="span" sx={{ flexGrow: 1 }}>
              Filters and sort
            </Box>
            <IconButton onClick={() => setMoreOpen(false)} aria-label="Close filters" sx={{ width: 44, height: 44 }}>
              <CloseIcon />
            </IconButton>
          </DialogTitle>
          <DialogContent>
            <Stack spacing={2} sx={{ pt: 1 }}>
              <PriceSortStock value={value} onChange={onChange} />
              {resultCount !== undefined && (
                <Typography variant="body2" color="text.secondary" aria-live="polite">
                  {resultCount} products match
                </Typography>
              )}
            </Stack>
          </DialogContent>
          <DialogActions sx={{ p: 2, pb: 'calc(16px + env(safe-area-inset-bottom))', gap: 1 }}>
            <Button
              onClick={() => onChange({ price: '', sort: 'popular', inStock: false })}
              disabled={active === 0}
              sx={{ minHeight: 44 }}
              aria-label="Clear the filters"
            >
              Clear
            </Button>
            <Button variant="contained" onClick={() => setMoreOpen(false)} sx={{ minHeight: 44, flexGrow: 1 }} data-testid="catalog-filters-done">
              {resultCount !== undefined ? `Show ${resultCount} products` : 'Done'}
            </Button>
          </DialogActions>
        </Dialog>
      )}
    </Stack>
  );
}
