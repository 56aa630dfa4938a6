/**
 * The label stuck on a packed order's bags: the order number, the bag count and a QR code
 * of the order number. "Print" prints the label alone (everything else is hidden).
 */
import { useEffect, useState } from 'react';
import { Box, Button, GlobalStyles, Paper, Stack, Typography } from '@mui/material';
import { formatClock } from '@/lib/format';
import { qrShape, type QrShape } from '@/features/picker/utils/qr';

const PRINT_CLASS = 'qc-print-label';

function QrCode({ text, size = 168 }: { text: string; size?: number }) {
  const [shape, setShape] = useState<QrShape | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let live = true;
    qrShape(text)
      .then((s) => live && setShape(s))
      .catch(() => live && setFailed(true));
    return () => {
      live = false;
    };
  }, [text]);
  if (failed) return null;
  if (!shape) return <Box sx={{ width: size, height: size }} aria-hidden />;
  return (
    <svg
      width={size}
      height={size}
      viewBox={`0 0 ${shape.size} ${shape.size}`}
      shapeRendering="crispEdges"
      role="img"
      aria-label={`QR code of ${text}`}
      data-testid="pack-label-qr"
      data-text={text}
    >
      <rect width={shape.size} height={shape.size} fill="#fff" />
      <path d={shape.path} fill="#000" />
    </svg>
  );
}

export function PackLabel({
  orderNumber,
  bags,
  items,
  storeName,
  packedAt,
}: {
  orderNumber: string;
  bags: number;
  items: number;
  storeName?: string | null;
  packedAt?: string | null;
}) {
  return (
    <Stack spacing={1.5} sx={{ alignItems: 'center' }}>
      <GlobalStyles
        styles={{
          '@media print': {
            'body *': { visibility: 'hidden' },
            [`.${PRINT_CLASS}, .${PRINT_CLASS} *`]: { visibility: 'visible' },
            [`.${PRINT_CLASS}`]: { position: 'fixed', left: 0, top: 0, boxShadow: 'none !important', border: '1px solid #000' },
          },
        }}
      />
      <Paper
        variant="outlined"
        className={PRINT_CLASS}
        data-testid="pack-label"
        data-order-number={orderNumber}
        data-bags={bags}
        sx={{ p: 2, width: 300, maxWidth: '100%', textAlign: 'center', bgcolor: '#fff', color: '#000' }}
      >
        <Typography variant="overline" sx={{ lineHeight: 1.2, display: 'block' }}>
          QuickCommerce{storeName ? ` · ${storeName}` : ''}
        </Typography>
        <Typography variant="h4" component="p" sx={{ fontWeight: 800, letterSpacing: 1 }} data-testid="pack-label-number">
          {orderNumber}
        </Typography>
        <Box sx={{ display: 'flex', justifyContent: 'center', my: 1 }}>
          <QrCode text={orderNumber} />
        </Box>
        <Typography variant="h5" component="p" sx={{ fontWeight: 700 }} data-testid="pack-label-bags">
          {bags} {bags === 1 ? 'bag' : 'bags'}
        </Typography>
        <Typography variant="body2">
          {items} {items === 1 ? 'item' : 'items'}
          {packedAt ? ` · packed ${formatClock(packedAt)}` : ''}
        </Typography>
      </Paper>
      <Button variant="outlined" size="large" onClick={() => window.print()} sx={{ minHeight: 48 }} data-testid="pack-label-print" aria-label={`Print the label of ${orderNumber}`}>
        Print label
      </Button>
    </Stack>
  );
}
