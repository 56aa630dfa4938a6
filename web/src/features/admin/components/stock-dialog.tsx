/**
 * Set or adjust a product's stock at one store, with a reason (that store's customers
 * see the change live). The store is the page's, or picked here when the page shows all.
 */
import { useEffect, useState, type FormEvent } from 'react';
import {
  Alert,
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  Stack,
  TextField,
  ToggleButton,
  ToggleButtonGroup,
  Typography,
} from '@mui/material';
import { errorMessage } from '@/lib/api-client';
import { adminApi } from '@/features/admin/api/admin-api';
import { useAdminStores } from '@/features/admin/hooks/use-admin-stores';
import { StoreFilter } from '@/features/admin/components/store-filter';
import type { ProductView } from '@/types/models';

export function StockDialog({
  product,
  storeId: pageStore,
  onClose,
  onSaved,
}: {
  product: ProductView | null;
  /** The store the page shows ('' = all stores). */
  storeId: string;
  onClose: () => void;
  onSaved: (p: ProductView, storeId: string) => void;
}) {
  const { stores, byId } = useAdminStores();
  const [storeId, setStoreId] = useState(pageStore);
  const [current, setCurrent] = useState<number | null>(null);
  const [mode, setMode] = useState<'adjust' | 'set'>('adjust');
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const single = stores.length === 1 ? stores[0].id : '';
  const target = storeId || single;

  useEffect(() => {
    setMode('adjust');
    setAmount('');
    setReason('');
    setError(null);
    setStoreId(pageStore);
  }, [product, pageStore]);

  // The stock at the chosen store (the row shows the page's figure).
  useEffect(() => {
    if (!product) return;
    if (target === pageStore && pageStore) {
      setCurrent(product.stock);
      return;
    }
    if (!target) {
      setCurrent(null);
      return;
    }
    const controller = new AbortController();
    setCurrent(null);
    adminApi
      .products({ search: product.sku, storeId: target, limit: 10 }, controller.signal)
      .then((r) => setCurrent(r.products.find((p) => p.id === product.id)?.stock ?? null))
      .catch(() => undefined);
    return () => controller.abort();
  }, [product, target, pageStore]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!product) return;
    if (!target) {
      setError('Choose the store whose stock changes.');
      return;
    }
    const n = Number.parseInt(amount, 10);
    if (!Number.isFinite(n) || (mode === 'set' && n < 0)) {
      setError(mode === 'set' ? 'Enter the new stock (0 or more).' : 'Enter a change such as 20 or -5.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const base = { reason: reason.trim(), storeId: target };
      const res = await adminApi.changeStock(product.id, mode === 'set' ? { ...base, set: n } : { ...base, adjust: n });
      onSaved(res.product, target);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  const store = byId(target);
  return (
    <Dialog open={product !== null} onClose={onClose} fullWidth maxWidth="xs" aria-labelledby="stock-dialog-title">
      <form onSubmit={submit} aria-label="Stock form">
        <DialogTitle id="stock-dialog-title">Stock: {product?.name}</DialogTitle>
        <DialogContent>
          <Stack spacing={2} sx={{ pt: 1 }}>
            {stores.length > 1 && (
              <StoreFilter value={storeId} onChange={setStoreId} required label="Store" testId="stock-store" />
            )}
            <Typography>
              {store ? `Now at ${store.name}: ` : 'Now: '}
              <b data-testid="stock-current">{target ? (current ?? '…') : '—'}</b>
            </Typography>
            {error && <Alert severity="error">{error}</Alert>}
            <ToggleButtonGroup exclusive value={mode} onChange={(_, v) => v && setMode(v)} size="small" aria-label="Set or adjust">
              <ToggleButton value="adjust" aria-label="Adjust by">
                Adjust by
              </ToggleButton>
              <ToggleButton value="set" aria-label="Set to">
                Set to
              </ToggleButton>
            </ToggleButtonGroup>
            <TextField label={mode === 'set' ? 'New stock' : 'Change (+/-)'} value={amount} onChange={(e) => setAmount(e.target.value)} size="small" required
              slotProps={{ htmlInput: { inputMode: 'numeric', 'aria-label': mode === 'set' ? 'New stock' : 'Stock change', 'data-testid': 'stock-amount' } }} />
            <TextField label="Reason" value={reason} onChange={(e) => setReason(e.target.value)} size="small" required placeholder="Restock delivery, damaged…"
              slotProps={{ htmlInput: { 'aria-label': 'Reason for the stock change', 'data-testid': 'stock-reason' } }} />
          </Stack>
        </DialogContent>
        <DialogActions>
          <Button onClick={onClose} aria-label="Cancel">
            Cancel
          </Button>
          <Button type="submit" variant="contained" disabled={busy || !amount || !reason.trim() || !target} aria-label="Save stock" data-testid="stock-save">
            {busy ? 'Saving…' : 'Save'}
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
