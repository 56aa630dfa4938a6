/** Create a product, or edit one (price, MRP, text, active). Prices are typed in rupees. */
import { useEffect, useState, type FormEvent } from 'react';
import {
  Alert,
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  FormControl,
  FormControlLabel,
  InputLabel,
  MenuItem,
  Select,
  Stack,
  Switch,
  TextField,
} from '@mui/material';
import { useFieldErrors } from '@/hooks/use-field-errors';
import { parseRupees } from '@/lib/format';
import { adminApi } from '@/features/admin/api/admin-api';
import type { CategoryView, ProductView } from '@/types/models';

type Form = {
  sku: string;
  name: string;
  description: string;
  category: string;
  unit: string;
  price: string;
  mrp: string;
  stock: string;
  brand: string;
  tags: string;
  isActive: boolean;
};

function toForm(p: ProductView | null): Form {
  return {
    sku: p?.sku ?? '',
    name: p?.name ?? '',
    description: p?.description ?? '',
    category: p?.category.slug ?? '',
    unit: p?.unit ?? '',
    price: p ? (p.price / 100).toFixed(2) : '',
    mrp: p ? (p.mrp / 100).toFixed(2) : '',
    stock: '0',
    brand: p?.brand ?? '',
    tags: p?.tags.join(', ') ?? '',
    isActive: p?.isActive ?? true,
  };
}

const FIELDS = ['sku', 'name', 'description', 'unit', 'price', 'mrp', 'stock', 'brand', 'tags'] as const;
type ProductField = (typeof FIELDS)[number];

export function ProductDialog({
  open,
  product,
  categories,
  onClose,
  onSaved,
}: {
  open: boolean;
  product: ProductView | null;
  categories: CategoryView[];
  onClose: () => void;
  onSaved: (product: ProductView) => void;
}) {
  const [form, setForm] = useState<Form>(toForm(product));
  const errors = useFieldErrors(FIELDS);
  const error = errors.formError;
  const { clear } = errors;
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (open) {
      setForm(toForm(product));
      clear();
    }
  }, [open, product, clear]);
  const set = (key: keyof Form) => (e: { target: { value: string } }) => {
    setForm((f) => ({ ...f, [key]: e.target.value }));
    if ((FIELDS as readonly string[]).includes(key)) errors.clear(key as ProductField);
  };
  /** A field's error under it, in words (never the server's key). */
  const field = (key: ProductField) => ({ error: !!errors.fieldError(key), helperText: errors.fieldError(key) });

  async function submit(event: FormEvent) {
    event.preventDefault();
    const price = parseRupees(form.price);
    const mrp = form.mrp.trim() ? parseRupees(form.mrp) : price;
    if (price === null || mrp === null) {
      errors.setFields({
        ...(price === null ? { price: 'Enter rupees, e.g. 49 or 49.50.' } : {}),
        ...(mrp === null ? { mrp: 'Enter rupees, e.g. 49 or 49.50.' } : {}),
      });
      return;
    }
    if (mrp < price) {
      errors.setFields({ mrp: 'The MRP cannot be below the price.' });
      return;
    }
    const tags = form.tags.split(',').map((t) => t.trim()).filter(Boolean);
    setBusy(true);
    errors.clear();
    try {
      const res = product
        ? await adminApi.updateProduct(product.id, {
            name: form.name.trim(),
            description: form.description.trim(),
            unit: form.unit.trim(),
            price,
            mrp,
            brand: form.brand.trim() || null,
            tags,
            isActive: form.isActive,
          })
        : await adminApi.createProduct({
            sku: form.sku.trim(),
            name: form.name.trim(),
            description: form.description.trim(),
            category: form.category,
            unit: form.unit.trim(),
            price,
            mrp,
            stock: Number.parseInt(form.stock, 10) || 0,
            brand: form.brand.trim() || null,
            tags,
          });
      onSaved(res.product);
    } catch (err) {
      errors.fail(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog open={open} onClose={onClose} fullWidth maxWidth="sm" aria-labelledby="product-dialog-title">
      <form onSubmit={submit} aria-label="Product form">
        <DialogTitle id="product-dialog-title">{product ? `Edit ${product.name}` : 'New product'}</DialogTitle>
        <DialogContent>
          <Stack spacing={2} sx={{ pt: 1 }}>
            {error && <Alert severity="error">{error}</Alert>}
            {!product && (
              <Stack direction={{ xs: 'column', sm: 'row' }} spacing={2}>
                <TextField label="SKU" value={form.sku} onChange={set('sku')} {...field('sku')} required size="small" slotProps={{ htmlInput: { 'aria-label': 'SKU' } }} />
                <FormControl size="small" fullWidth required>
                  <InputLabel id="product-category-label">Category</InputLabel>
                  <Select labelId="product-category-label" label="Category" value={form.category} onChange={(e) => setForm((f) => ({ ...f, category: e.target.value }))}
                    inputProps={{ 'aria-label': 'Category' }}>
                    {categories.map((c) => (
                      <MenuItem key={c.id} value={c.slug}>
                        {c.icon} {c.name}
                      </MenuItem>
                    ))}
                  </Select>
                </FormControl>
              </Stack>
            )}
            <TextField label="Name" value={form.name} onChange={set('name')} {...field('name')} required size="small" slotProps={{ htmlInput: { 'aria-label': 'Product name' } }} />
            <TextField label="Description" value={form.description} onChange={set('description')} {...field('description')} multiline minRows={2} size="small" slotProps={{ htmlInput: { 'aria-label': 'Description' } }} />
            <Stack direction={{ xs: 'column', sm: 'row' }} spacing={2}>
              <TextField label="Unit" value={form.unit} onChange={set('unit')} {...field('unit')} required size="small" placeholder="500 g" slotProps={{ htmlInput: { 'aria-label': 'Unit' } }} />
              <TextField label="Price (₹)" value={form.price} onChange={set('price')} {...field('price')} required size="small" slotProps={{ htmlInput: { inputMode: 'decimal', 'aria-label': 'Price in rupees' } }} />
              <TextField label="MRP (₹)" value={form.mrp} onChange={set('mrp')} {...field('mrp')} size="small" slotProps={{ htmlInput: { inputMode: 'decimal', 'aria-label': 'MRP in rupees' } }} />
              {!product && (
                <TextField label="Stock" value={form.stock} onChange={set('stock')} {...field('stock')} size="small" slotProps={{ htmlInput: { inputMode: 'numeric', 'aria-label': 'Opening stock' } }} />
              )}
            </Stack>
            <Stack direction={{ xs: 'column', sm: 'row' }} spacing={2}>
              <TextField label="Brand" value={form.brand} onChange={set('brand')} {...field('brand')} size="small" slotProps={{ htmlInput: { 'aria-label': 'Brand' } }} />
              <TextField label="Tags (comma separated)" value={form.tags} onChange={set('tags')} {...field('tags')} size="small" fullWidth slotProps={{ htmlInput: { 'aria-label': 'Tags' } }} />
            </Stack>
            {product && (
              <FormControlLabel
                control={<Switch checked={form.isActive} onChange={(e) => setForm((f) => ({ ...f, isActive: e.target.checked }))} slotProps={{ input: { 'aria-label': 'Product is on sale' } }} />}
                label={form.isActive ? 'On sale' : 'Hidden from customers'}
              />
            )}
          </Stack>
        </DialogContent>
        <DialogActions>
          <Button onClick={onClose} aria-label="Cancel">
            Cancel
          </Button>
          <Button type="submit" variant="contained" disabled={busy} aria-label="Save product">
            {busy ? 'Saving…' : 'Save'}
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
