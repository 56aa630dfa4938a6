/**
 * Scan a barcode with the device's camera, where the browser has a `BarcodeDetector`
 * (Chrome on Android, Edge, Safari 17+…) and a camera. Elsewhere the button is not shown:
 * the code is typed (or a keyboard-wedge scanner types it into the field).
 */
import { useEffect, useRef, useState } from 'react';
import { Alert, Box, Button, Dialog, DialogActions, DialogContent, DialogTitle, Typography } from '@mui/material';
import { usePhone } from '@/hooks/use-phone';

interface DetectedBarcode {
  rawValue: string;
}
interface BarcodeDetectorLike {
  detect(source: CanvasImageSource): Promise<DetectedBarcode[]>;
}
interface BarcodeDetectorClass {
  new (options?: { formats?: string[] }): BarcodeDetectorLike;
  getSupportedFormats?: () => Promise<string[]>;
}

const WANTED = ['ean_13', 'ean_8', 'upc_a', 'upc_e', 'code_128', 'code_39', 'itf', 'qr_code'];

function detectorClass(): BarcodeDetectorClass | null {
  if (typeof window === 'undefined') return null;
  const ctor = (window as unknown as { BarcodeDetector?: BarcodeDetectorClass }).BarcodeDetector;
  return typeof ctor === 'function' ? ctor : null;
}

/** Whether this browser can scan with the camera at all. */
export function canScan(): boolean {
  return !!detectorClass() && typeof navigator !== 'undefined' && !!navigator.mediaDevices?.getUserMedia;
}

function ScannerDialog({ open, title, onClose, onCode }: { open: boolean; title: string; onClose: () => void; onCode: (code: string) => void }) {
  const phone = usePhone();
  const video = useRef<HTMLVideoElement | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [starting, setStarting] = useState(true);
  const done = useRef(onCode);
  done.current = onCode;

  useEffect(() => {
    if (!open) return;
    const Detector = detectorClass();
    if (!Detector) return;
    let stream: MediaStream | null = null;
    let timer: ReturnType<typeof setTimeout> | null = null;
    let stopped = false;
    setError(null);
    setStarting(true);

    (async () => {
      try {
        const supported = (await Detector.getSupportedFormats?.()) ?? WANTED;
        const formats = WANTED.filter((f) => supported.includes(f));
        const detector = new Detector(formats.length ? { formats } : undefined);
        stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: { ideal: 'environment' } }, audio: false });
        if (stopped || !video.current) return;
        video.current.srcObject = stream;
        await video.current.play().catch(() => undefined);
        setStarting(false);
        const tick = async () => {
          if (stopped || !video.current) return;
          try {
            if (video.current.readyState >= 2) {
              const found = await detector.detect(video.current);
              const code = found.find((b) => b.rawValue)?.rawValue;
              if (code && !stopped) {
                stopped = true;
                done.current(code);
                return;
              }
            }
          } catch {
            // A frame the detector could not read: try the next one.
          }
          timer = setTimeout(() => void tick(), 150);
        };
        void tick();
      } catch (err) {
        setStarting(false);
        const name = err instanceof DOMException ? err.name : '';
        setError(
          name === 'NotAllowedError'
            ? 'The camera is not allowed for this site. Allow it in the browser, or type the barcode.'
            : name === 'NotFoundError'
              ? 'No camera found on this device. Type the barcode instead.'
              : 'The camera could not start. Type the barcode instead.',
        );
      }
    })();

    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      stream?.getTracks().forEach((t) => t.stop());
      if (video.current) video.current.srcObject = null;
    };
  }, [open]);

  return (
    <Dialog open={open} onClose={onClose} fullScreen={phone} fullWidth maxWidth="sm" aria-labelledby="scan-title" data-testid="scanner-dialog">
      <DialogTitle id="scan-title">{title}</DialogTitle>
      <DialogContent>
        {error ? (
          <Alert severity="warning" role="alert" data-testid="scanner-error">
            {error}
          </Alert>
        ) : (
          <>
            <Box sx={{ position: 'relative', bgcolor: 'common.black', borderRadius: 2, overflow: 'hidden', aspectRatio: '4 / 3' }}>
              <video ref={video} muted playsInline style={{ width: '100%', height: '100%', objectFit: 'cover' }} aria-label="Camera view" />
              <Box sx={{ position: 'absolute', inset: '30% 10%', border: '3px solid', borderColor: 'secondary.main', borderRadius: 1, pointerEvents: 'none' }} />
            </Box>
            <Typography variant="body2" color="text.secondary" sx={{ mt: 1 }}>
              {starting ? 'Starting the camera…' : 'Hold the barcode inside the frame.'}
            </Typography>
          </>
        )}
      </DialogContent>
      <DialogActions sx={{ p: 2 }}>
        <Button onClick={onClose} size="large" sx={{ minHeight: 48 }} data-testid="scanner-close">
          Type it instead
        </Button>
      </DialogActions>
    </Dialog>
  );
}

/** A "Scan" button (only where the camera can scan) that hands the code to `onCode`. */
export function ScanButton({ label = 'Scan', title, onCode, disabled }: { label?: string; title: string; onCode: (code: string) => void; disabled?: boolean }) {
  const [open, setOpen] = useState(false);
  const [available] = useState(canScan);
  if (!available) return null;
  return (
    <>
      <Button variant="outlined" size="large" onClick={() => setOpen(true)} disabled={disabled} sx={{ minHeight: 48, minWidth: 96 }} aria-label={title} data-testid="scan-button">
        {label}
      </Button>
      {open && (
        <ScannerDialog
          open={open}
          title={title}
          onClose={() => setOpen(false)}
          onCode={(code) => {
            setOpen(false);
            onCode(code);
          }}
        />
      )}
    </>
  );
}
