/**
 * The catalog's price, sort and "in stock only" filters: in a row under the search on wider
 * screens, in a full-screen dialog on a phone. Loaded after the catalog's first screen.
 */
import {
  Box,
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  FormControl,
  FormControlLabel,
  IconButton,
  InputLabel,
  MenuItem,
  Select,
  Stack,
  Switch,
  Typography,
} from '@mui/material';
import { CloseIcon } from '@/components/icons';
import type { ProductSort } from '@/features/customer/api/catalog-api';
import { PRICE_RANGES, SORTS, type CatalogFilterValue } from '@/features/customer/components/catalog-filters';

export function PriceSortStock({ value, onChange }: { value: CatalogFilterValue; onChange: (patch: Partial<CatalogFilterValue>) => void }) {
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

export function MoreFiltersDialog({
  open,
  onClose,
  value,
  onChange,
  resultCount,
  active,
}: {
  open: boolean;
  onClose: () => void;
  value: CatalogFilterValue;
  onChange: (patch: Partial<CatalogFilterValue>) => void;
  /** Products matching now (for "Show N products"). */
  resultCount?: number;
  /** How many filters differ from the defaults. */
  active: number;
}) {
  return (
    <Dialog open={open} onClose={onClose} fullScreen aria-labelledby="filters-title" data-testid="catalog-filters-dialog">
      <DialogTitle id="filters-title" sx={{ display: 'flex', alignItems: 'center', pr: 1 }}>
        <Box component="span" sx={{ flexGrow: 1 }}>
          Filters and sort
        </Box>
        <IconButton onClick={onClose} aria-label="Close filters" sx={{ width: 44, height: 44 }}>
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
        <Button variant="contained" onClick={onClose} sx={{ minHeight: 44, flexGrow: 1 }} data-testid="catalog-filters-done">
          {resultCount !== undefined ? `Show ${resultCount} products` : 'Done'}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
