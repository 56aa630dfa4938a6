/** Set or adjust a product's stock, with a reason (customers see the change live). */
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
import type { ProductView } from '@/types/models';

export function StockDialog({ product, onClose, onSaved }: { product: ProductView | null; onClose: () => void; onSaved: (p: ProductView) => void }) {
  const [mode, setMode] = useState<'adjust' | 'set'>('adjust');
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    setMode('adjust');
    setAmount('');
    setReason('');
    setError(null);
  }, [product]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!product) return;
    const n = Number.parseInt(amount, 10);
    if (!Number.isFinite(n) || (mode === 'set' && n < 0)) {
      setError(mode === 'set' ? 'Enter the new stock (0 or more).' : 'Enter a change such as 20 or -5.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const res = await adminApi.changeStock(product.id, mode === 'set' ? { set: n, reason: reason.trim() } : { adjust: n, reason: reason.trim() });
      onSaved(res.product);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog open={product !== null} onClose={onClose} fullWidth maxWidth="xs" aria-labelledby="stock-dialog-title">
      <form onSubmit={submit} aria-label="Stock form">
        <DialogTitle id="stock-dialog-title">Stock: {product?.name}</DialogTitle>
        <DialogContent>
          <Stack spacing={2} sx={{ pt: 1 }}>
            <Typography>
              Now: <b data-testid="stock-current">{product?.stock}</b>
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
          <Button type="submit" variant="contained" disabled={busy || !amount || !reason.trim()} aria-label="Save stock" data-testid="stock-save">
            {busy ? 'Saving…' : 'Save'}
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
