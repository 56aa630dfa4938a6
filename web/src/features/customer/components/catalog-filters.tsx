import { useEffect, useState } from 'react';
import {
  Box,
  Chip,
  FormControl,
  FormControlLabel,
  InputAdornment,
  InputLabel,
  MenuItem,
  Select,
  Stack,
  Switch,
  TextField,
} from '@mui/material';
import { SearchIcon } from '@/components/icons';
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

export function CatalogFilters({
  value,
  categories,
  onChange,
}: {
  value: CatalogFilterValue;
  categories: CategoryView[];
  onChange: (patch: Partial<CatalogFilterValue>) => void;
}) {
  const [search, setSearch] = useState(value.search);
  useEffect(() => setSearch(value.search), [value.search]);
  useEffect(() => {
    if (search === value.search) return;
    const t = setTimeout(() => onChange({ search }), 300);
    return () => clearTimeout(t);
  }, [search, value.search, onChange]);

  return (
    <Stack spacing={1.5} sx={{ mb: 2 }}>
      <TextField
        placeholder="Search milk, atta, chips…"
        value={search}
        onChange={(e) => setSearch(e.target.value)}
        onKeyDown={(e) => e.key === 'Enter' && onChange({ search })}
        size="small"
        fullWidth
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
      <Box
        sx={{ display: 'flex', gap: 1, overflowX: 'auto', pb: 0.5, scrollbarWidth: 'thin' }}
        role="toolbar"
        aria-label="Categories"
      >
        <Chip
          label="All"
          color={value.category === '' ? 'primary' : 'default'}
          onClick={() => onChange({ category: '' })}
          aria-pressed={value.category === ''}
          aria-label="All categories"
          data-testid="category-chip-all"
        />
        {categories.map((c) => (
          <Chip
            key={c.id}
            label={`${c.icon} ${c.name}`}
            color={value.category === c.slug ? 'primary' : 'default'}
            onClick={() => onChange({ category: value.category === c.slug ? '' : c.slug })}
            aria-pressed={value.category === c.slug}
            aria-label={`Category ${c.name}`}
            data-testid={`category-chip-${c.slug}`}
          />
        ))}
      </Box>
      <Stack direction="row" sx={{ gap: 1.5, flexWrap: 'wrap', alignItems: 'center' }}>
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
      </Stack>
    </Stack>
  );
}
