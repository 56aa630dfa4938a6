/**
 * A line the shelf cannot fill: "Short" (how many were found; the rest is refunded) or
 * "Substitute" (how many were found, and a product of the same category for the rest:
 * chosen from the store's similar products in stock, closest in price first, or scanned
 * or typed by its barcode; a dearer one waits for the customer's yes).
 */
import { useEffect, useState, type FormEvent } from 'react';
import { Alert, Button, ButtonBase, Chip, Dialog, DialogActions, DialogContent, DialogTitle, Stack, TextField, Typography } from '@mui/material';
import { LoadingState } from '@/components/page-state';
import { usePhone } from '@/hooks/use-phone';
import { errorMessage } from '@/lib/api-client';
import { formatMoney } from '@/lib/format';
import { pickerApi } from '@/features/picker/api/picker-api';
import { CountStepper } from '@/features/picker/components/count-stepper';
import { ScanButton } from '@/features/picker/components/barcode-scanner';
import { barcodeMatches, barcodeProblem, normaliseBarcode } from '@/features/picker/utils/barcode';
import { priceComparison } from '@/features/picker/utils/pick-list';
import type { ProductView } from '@/types/models';
import type { PickLineView } from '@/types/fulfilment';

function Actions({ busy, onClose, submitLabel, testId }: { busy: boolean; onClose: () => void; submitLabel: string; testId: string }) {
  const phone = usePhone();
  return (
    <DialogActions sx={{ p: 2, pb: phone ? 'calc(16px + env(safe-area-inset-bottom))' : 2, gap: 1 }}>
      <Button onClick={onClose} disabled={busy} size="large" sx={{ minHeight: 48 }} data-testid={`${testId}-cancel`}>
        Back
      </Button>
      <Button type="submit" variant="contained" size="large" disabled={busy} sx={{ minHeight: 48 }} data-testid={`${testId}-submit`}>
        {busy ? 'Saving…' : submitLabel}
      </Button>
    </DialogActions>
  );
}

export function ShortDialog({
  line,
  busy,
  error,
  onClose,
  onSubmit,
}: {
  line: PickLineView;
  busy: boolean;
  error: string | null;
  onClose: () => void;
  onSubmit: (found: number) => void;
}) {
  const phone = usePhone();
  const [found, setFound] = useState(0);
  const missing = line.quantity - found;
  return (
    <Dialog open onClose={busy ? undefined : onClose} fullScreen={phone} fullWidth maxWidth="xs" aria-labelledby="short-title" data-testid="short-dialog">
      <form
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          onSubmit(found);
        }}
      >
        <DialogTitle id="short-title">Short: {line.name}</DialogTitle>
        <DialogContent>
          <Typography sx={{ mb: 2 }}>
            {line.quantity} ordered. How many did you find on the shelf?
          </Typography>
          <CountStepper value={found} min={0} max={line.quantity - 1} onChange={setFound} label="Units found" testId="short-found" />
          <Typography color="text.secondary" sx={{ mt: 2 }}>
            {missing} {missing === 1 ? 'unit is' : 'units are'} refunded to the customer and the store&apos;s stock is corrected.
          </Typography>
          {error && (
            <Alert severity="error" role="alert" sx={{ mt: 2 }} data-testid="short-error">
              {error}
            </Alert>
          )}
        </DialogContent>
        <Actions busy={busy} onClose={onClose} submitLabel="Mark short" testId="short" />
      </form>
    </Dialog>
  );
}

export interface SubstituteChoice {
  found: number;
  quantity: number;
  /** A product from the list, or… */
  productId?: string;
  /** …a scanned or typed barcode. */
  barcode?: string;
}

function CandidateList({
  orderedPrice,
  candidates,
  selected,
  onSelect,
}: {
  orderedPrice: number;
  candidates: ProductView[];
  selected: string | null;
  onSelect: (product: ProductView) => void;
}) {
  return (
    <Stack spacing={1} role="radiogroup" aria-label="Similar products in this store" data-testid="substitute-options" sx={{ maxHeight: { xs: 'none', sm: 320 }, overflowY: 'auto' }}>
      {candidates.map((p) => {
        const on = p.id === selected;
        const compare = priceComparison(orderedPrice, p.price);
        return (
          <ButtonBase
            key={p.id}
            role="radio"
            aria-checked={on}
            onClick={() => onSelect(p)}
            data-testid="substitute-option"
            data-product-id={p.id}
            data-selected={on ? 'true' : 'false'}
            sx={{
              display: 'block',
              flexShrink: 0,
              textAlign: 'left',
              width: '100%',
              minHeight: 56,
              p: 1.25,
              borderRadius: 2,
              border: 2,
              borderColor: on ? 'primary.main' : 'divider',
              bgcolor: on ? 'action.selected' : 'background.paper',
            }}
          >
            <Stack direction="row" sx={{ gap: 1, alignItems: 'baseline' }}>
              <Typography sx={{ fontWeight: 700, flexGrow: 1, minWidth: 0, overflowWrap: 'anywhere' }}>{p.name}</Typography>
              <Typography sx={{ fontWeight: 700, flexShrink: 0 }}>{formatMoney(p.price)}</Typography>
            </Stack>
            <Stack direction="row" sx={{ gap: 1, alignItems: 'center', flexWrap: 'wrap' }}>
              <Typography variant="body2" color="text.secondary" sx={{ flexGrow: 1 }}>
                {p.unit}
                {p.bin ? ` · bin ${p.bin}` : ''} · {p.stock} in stock
              </Typography>
              <Chip size="small" label={compare.text} color={compare.tone === 'dearer' ? 'warning' : compare.tone === 'cheaper' ? 'success' : 'default'} />
            </Stack>
          </ButtonBase>
        );
      })}
    </Stack>
  );
}

export function SubstituteDialog({
  orderId,
  line,
  busy,
  error,
  onClose,
  onSubmit,
}: {
  orderId: string;
  line: PickLineView;
  busy: boolean;
  error: string | null;
  onClose: () => void;
  onSubmit: (choice: SubstituteChoice) => void;
}) {
  const phone = usePhone();
  const [found, setFound] = useState(0);
  const [quantity, setQuantity] = useState(line.quantity);
  const [barcode, setBarcode] = useState('');
  const [selected, setSelected] = useState<ProductView | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [candidates, setCandidates] = useState<ProductView[] | null>(null);
  const [listError, setListError] = useState<unknown>(null);
  const missing = line.quantity - found;

  useEffect(() => {
    const c = new AbortController();
    pickerApi
      .substitutes(orderId, line.lineId, c.signal)
      .then((r) => setCandidates(r.products))
      .catch((err: unknown) => !c.signal.aborted && setListError(err));
    return () => c.abort();
  }, [orderId, line.lineId]);

  function submit(code = barcode) {
    if (selected && !code.trim()) {
      onSubmit({ found, quantity, productId: selected.id });
      return;
    }
    const issue = code.trim() ? barcodeProblem(code) : 'Choose a product from the list, or scan or type its barcode.';
    setProblem(issue);
    if (issue) return;
    // A code of a product in the list is that product.
    const listed = candidates?.find((p) => p.barcode && barcodeMatches(p.barcode, code));
    if (listed) onSubmit({ found, quantity, productId: listed.id });
    else onSubmit({ found, quantity, barcode: normaliseBarcode(code) });
  }

  return (
    <Dialog open onClose={busy ? undefined : onClose} fullScreen={phone} fullWidth maxWidth="sm" aria-labelledby="substitute-title" data-testid="substitute-dialog">
      <form
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          submit();
        }}
      >
        <DialogTitle id="substitute-title">Substitute: {line.name}</DialogTitle>
        <DialogContent>
          <Stack spacing={2}>
            <div>
              <Typography sx={{ mb: 1 }}>
                {line.quantity} × {line.name} ({line.unit}, {formatMoney(line.price)}) ordered. How many did you find?
              </Typography>
              <CountStepper
                value={found}
                min={0}
                max={line.quantity - 1}
                onChange={(n) => {
                  setFound(n);
                  setQuantity((q) => Math.min(q, Math.max(1, line.quantity - n)) || 1);
                }}
                label="Units of the ordered product found"
                testId="substitute-found"
              />
            </div>
            <div>
              <Typography sx={{ mb: 1 }}>For the {missing} missing, pick a similar product (same category, in stock here):</Typography>
              {candidates === null && listError === null && <LoadingState rows={2} label="Finding similar products" />}
              {listError !== null && (
                <Alert severity="warning" data-testid="substitute-options-error">
                  {errorMessage(listError)} Scan or type the substitute&apos;s barcode instead.
                </Alert>
              )}
              {candidates && candidates.length === 0 && (
                <Alert severity="info" data-testid="substitute-options-empty">
                  Nothing similar is in stock here: mark the line short instead.
                </Alert>
              )}
              {candidates && candidates.length > 0 && (
                <CandidateList
                  orderedPrice={line.price}
                  candidates={candidates}
                  selected={selected?.id ?? null}
                  onSelect={(p) => {
                    setSelected(p);
                    setBarcode('');
                    setProblem(null);
                  }}
                />
              )}
            </div>
            <div>
              <Typography sx={{ mb: 1 }}>…or scan or type its barcode:</Typography>
              <Stack direction="row" sx={{ gap: 1, alignItems: 'flex-start' }}>
                <TextField
                  label="Substitute's barcode"
                  value={barcode}
                  onChange={(e) => {
                    setBarcode(e.target.value);
                    setSelected(null);
                    setProblem(null);
                  }}
                  error={!!problem}
                  helperText={problem ?? ' '}
                  autoComplete="off"
                  sx={{ flexGrow: 1, minWidth: 0 }}
                  slotProps={{ htmlInput: { inputMode: 'numeric', 'aria-label': "Substitute's barcode", 'data-testid': 'substitute-barcode', style: { fontSize: 20, minHeight: 32 } } }}
                />
                <ScanButton
                  title="Scan the substitute"
                  onCode={(code) => {
                    setBarcode(code);
                    setSelected(null);
                    submit(code);
                  }}
                  disabled={busy}
                />
              </Stack>
            </div>
            <div>
              <Typography sx={{ mb: 1 }}>How many of the substitute?</Typography>
              <CountStepper value={quantity} min={1} max={Math.max(1, missing * 2)} onChange={setQuantity} label="Substitute units" testId="substitute-quantity" />
            </div>
            <Typography variant="body2" color="text.secondary">
              A cheaper or same-price substitute goes in at once. A dearer one asks the customer first: if they say no or do not answer in time, the missing units are refunded.
            </Typography>
            {error && (
              <Alert severity="error" role="alert" data-testid="substitute-error">
                {error}
              </Alert>
            )}
          </Stack>
        </DialogContent>
        <Actions busy={busy} onClose={onClose} submitLabel="Substitute" testId="substitute" />
      </form>
    </Dialog>
  );
}
