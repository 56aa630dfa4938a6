/** The catalog editor: products (price, text, active, stock per store) and categories. */
import { useEffect, useRef, useState } from 'react';
import { useSearchParams } from 'react-router';
import {
  Box,
  Button,
  Chip,
  FormControl,
  IconButton,
  InputLabel,
  MenuItem,
  Pagination,
  Paper,
  Select,
  Stack,
  Tab,
  Table,
  TableBody,
  TableCell,
  TableContainer,
  TableHead,
  TableRow,
  Tabs,
  TextField,
  Tooltip,
  Typography,
} from '@mui/material';
import { AddIcon, EditIcon } from '@/components/icons';
import { EmptyState, ErrorState, LoadingState } from '@/components/page-state';
import { useSnackbar } from '@/components/snackbar-provider';
import { useAsync } from '@/hooks/use-async';
import { useSocketEvent } from '@/hooks/use-socket-event';
import { formatMoney } from '@/lib/format';
import { adminApi } from '@/features/admin/api/admin-api';
import { ProductDialog } from '@/features/admin/components/product-dialog';
import { StockDialog } from '@/features/admin/components/stock-dialog';
import { CategoryDialog } from '@/features/admin/components/category-dialog';
import { StoreFilter } from '@/features/admin/components/store-filter';
import { useAdminStores, useStoreFilter } from '@/features/admin/hooks/use-admin-stores';
import type { CategoryView, ProductView, ProductsResponse } from '@/types/models';

function ProductsTab({ categories }: { categories: CategoryView[] }) {
  const [params] = useSearchParams();
  const [storeId, setStoreId] = useStoreFilter();
  const { byId, stores } = useAdminStores();
  const store = byId(storeId);
  const [searchInput, setSearchInput] = useState(() => params.get('q') ?? '');
  const [search, setSearch] = useState(() => params.get('q') ?? '');
  const [category, setCategory] = useState('');
  const [page, setPage] = useState(1);
  const [editing, setEditing] = useState<{ open: boolean; product: ProductView | null }>({ open: false, product: null });
  const [stockOf, setStockOf] = useState<ProductView | null>(null);
  const { notify } = useSnackbar();

  useEffect(() => {
    const t = setTimeout(() => {
      setSearch(searchInput.trim());
      setPage(1);
    }, 300);
    return () => clearTimeout(t);
  }, [searchInput]);

  const products = useAsync(
    (signal) =>
      adminApi.products({ search: search || undefined, category: category || undefined, page, limit: 25, storeId: storeId || undefined }, signal),
    [search, category, page, storeId],
  );

  // Live stock: the chosen store's entries; with all stores shown, the totals are fetched again.
  const refetch = useRef<ReturnType<typeof setTimeout> | null>(null);
  useSocketEvent('inventory:updated', ({ products: levels }) => {
    if (!storeId) {
      if (!refetch.current) {
        refetch.current = setTimeout(() => {
          refetch.current = null;
          products.reload();
        }, 800);
      }
      return;
    }
    const mine = new Map(levels.filter((l) => l.storeId === storeId).map((l) => [l.productId, l]));
    if (!mine.size) return;
    products.setData((d: ProductsResponse | undefined) =>
      d ? { ...d, products: d.products.map((p) => (mine.has(p.id) ? { ...p, stock: mine.get(p.id)!.stock, inStock: mine.get(p.id)!.inStock } : p)) } : d,
    );
  });
  useEffect(() => () => void (refetch.current && clearTimeout(refetch.current)), []);

  const replace = (p: ProductView) =>
    products.setData((d) => (d ? { ...d, products: d.products.map((x) => (x.id === p.id ? p : x)) } : d));

  return (
    <Box>
      <Stack direction="row" sx={{ gap: 1.5, flexWrap: 'wrap', mb: 2, alignItems: 'center' }}>
        <TextField size="small" label="Search products" value={searchInput} onChange={(e) => setSearchInput(e.target.value)}
          slotProps={{ htmlInput: { 'aria-label': 'Search products', 'data-testid': 'admin-product-search' } }} />
        <FormControl size="small" sx={{ minWidth: 180 }}>
          <InputLabel id="admin-cat-filter">Category</InputLabel>
          <Select labelId="admin-cat-filter" label="Category" value={category} onChange={(e) => { setCategory(e.target.value); setPage(1); }} inputProps={{ 'aria-label': 'Filter by category' }}>
            <MenuItem value="">All</MenuItem>
            {categories.map((c) => (
              <MenuItem key={c.id} value={c.slug}>
                {c.icon} {c.name}
              </MenuItem>
            ))}
          </Select>
        </FormControl>
        <StoreFilter
          value={storeId}
          onChange={(id) => {
            setStoreId(id);
            setPage(1);
          }}
          allLabel="All stores (total stock)"
          label="Stock at"
          testId="catalog-store-filter"
          minWidth={220}
        />
        <Box sx={{ flexGrow: 1 }} />
        <Button variant="contained" startIcon={<AddIcon />} onClick={() => setEditing({ open: true, product: null })} aria-label="Add a product">
          New product
        </Button>
      </Stack>
      {products.loading && !products.data && <LoadingState rows={5} label="Loading products" />}
      {products.error !== null && <ErrorState error={products.error} onRetry={products.reload} />}
      {products.data && products.data.products.length === 0 && <EmptyState title="No products match" />}
      {products.data && products.data.products.length > 0 && (
        <TableContainer component={Paper}>
          <Table size="small" aria-label="Products" data-testid="admin-products-table">
            <TableHead>
              <TableRow>
                <TableCell>Product</TableCell>
                <TableCell>Category</TableCell>
                <TableCell align="right">Price</TableCell>
                <TableCell align="right">MRP</TableCell>
                <TableCell align="right">{store ? `Stock at ${store.code}` : stores.length > 1 ? 'Stock (all stores)' : 'Stock'}</TableCell>
                <TableCell>State</TableCell>
                <TableCell align="right">Edit</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {products.data.products.map((p) => (
                <TableRow key={p.id} data-testid="admin-product-row" data-product-id={p.id}>
                  <TableCell>
                    <Typography variant="body2" sx={{ fontWeight: 600 }}>
                      {p.name}
                    </Typography>
                    <Typography variant="caption" color="text.secondary">
                      {p.sku} · {p.unit}
                    </Typography>
                  </TableCell>
                  <TableCell>{p.category.name}</TableCell>
                  <TableCell align="right">{formatMoney(p.price)}</TableCell>
                  <TableCell align="right">{formatMoney(p.mrp)}</TableCell>
                  <TableCell align="right">
                    <Button size="small" onClick={() => setStockOf(p)} aria-label={`Change stock of ${p.name}${store ? ` at ${store.name}` : ''}, now ${p.stock}`} data-testid="admin-stock-button"
                      color={p.stock === 0 ? 'error' : p.stock <= 5 ? 'warning' : 'primary'}>
                      {p.stock}
                    </Button>
                  </TableCell>
                  <TableCell>{p.isActive ? <Chip size="small" label="On sale" color="success" variant="outlined" /> : <Chip size="small" label="Hidden" />}</TableCell>
                  <TableCell align="right">
                    <Tooltip title="Edit">
                      <IconButton size="small" onClick={() => setEditing({ open: true, product: p })} aria-label={`Edit ${p.name}`}>
                        <EditIcon fontSize="small" />
                      </IconButton>
                    </Tooltip>
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </TableContainer>
      )}
      {products.data && products.data.pagination.totalPages > 1 && (
        <Pagination sx={{ mt: 2, display: 'flex', justifyContent: 'center' }} count={products.data.pagination.totalPages} page={page} onChange={(_, n) => setPage(n)} aria-label="Product pages" />
      )}
      <ProductDialog
        open={editing.open}
        product={editing.product}
        categories={categories}
        onClose={() => setEditing({ open: false, product: null })}
        onSaved={(p) => {
          setEditing({ open: false, product: null });
          notify(`Saved ${p.name}`, 'success');
          if (editing.product) replace(p);
          else products.reload();
        }}
      />
      <StockDialog
        product={stockOf}
        storeId={storeId}
        onClose={() => setStockOf(null)}
        onSaved={(p, savedStore) => {
          setStockOf(null);
          if (savedStore === storeId) replace(p);
          else products.reload();
          notify(`${p.name}: stock ${p.stock}${byId(savedStore) ? ` at ${byId(savedStore)!.name}` : ''}`, 'success');
        }}
      />
    </Box>
  );
}

function CategoriesTab({ categories, reload }: { categories: CategoryView[]; reload: () => void }) {
  const [editing, setEditing] = useState<{ open: boolean; category: CategoryView | null }>({ open: false, category: null });
  return (
    <Box>
      <Button variant="contained" startIcon={<AddIcon />} sx={{ mb: 2 }} onClick={() => setEditing({ open: true, category: null })} aria-label="Add a category">
        New category
      </Button>
      <Box sx={{ display: 'grid', gap: 1.5, gridTemplateColumns: { xs: '1fr', sm: '1fr 1fr', md: 'repeat(3, 1fr)' } }}>
        {categories.map((c) => (
          <Paper key={c.id} sx={{ p: 1.5, display: 'flex', alignItems: 'center', gap: 1.5, borderLeft: 6, borderLeftColor: c.color }}>
            <Typography sx={{ fontSize: 28 }} aria-hidden>
              {c.icon}
            </Typography>
            <Box sx={{ flexGrow: 1, minWidth: 0 }}>
              <Typography sx={{ fontWeight: 600 }}>{c.name}</Typography>
              <Typography variant="caption" color="text.secondary">
                {c.slug} · {c.productCount} products
              </Typography>
            </Box>
            <IconButton onClick={() => setEditing({ open: true, category: c })} aria-label={`Edit category ${c.name}`}>
              <EditIcon fontSize="small" />
            </IconButton>
          </Paper>
        ))}
      </Box>
      <CategoryDialog
        open={editing.open}
        category={editing.category}
        onClose={() => setEditing({ open: false, category: null })}
        onSaved={() => {
          setEditing({ open: false, category: null });
          reload();
        }}
      />
    </Box>
  );
}

export function CatalogPage() {
  const [tab, setTab] = useState<'products' | 'categories'>('products');
  const categories = useAsync((signal) => adminApi.categories(signal).then((r) => r.categories), []);
  return (
    <Box>
      <Typography variant="h5" component="h1" sx={{ fontWeight: 700, mb: 1 }}>
        Catalog & stock
      </Typography>
      <Tabs value={tab} onChange={(_, v) => setTab(v)} sx={{ mb: 2 }} aria-label="Catalog sections">
        <Tab value="products" label="Products" aria-label="Products" />
        <Tab value="categories" label="Categories" aria-label="Categories" />
      </Tabs>
      {categories.error !== null && <ErrorState error={categories.error} onRetry={categories.reload} />}
      {tab === 'products' ? (
        <ProductsTab categories={categories.data ?? []} />
      ) : categories.loading && !categories.data ? (
        <LoadingState label="Loading categories" />
      ) : (
        <CategoriesTab categories={categories.data ?? []} reload={categories.reload} />
      )}
    </Box>
  );
}
