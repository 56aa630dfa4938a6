/**
 * A secret the server shows once (an API key, a webhook's signing secret): shown here with
 * a Copy button and a plain warning. Only "Done" closes it, so a stray tap beside the
 * dialog does not lose the secret.
 */
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { Alert, Button, Dialog, DialogActions, DialogContent, DialogTitle, Stack, TextField, Typography } from '@mui/material';
import { usePhone } from '@/hooks/use-phone';

export interface ShownSecret {
  /** `api-key` or `webhook`: which kind of secret (for tests and the words). */
  kind: 'api-key' | 'webhook';
  title: string;
  secret: string;
  /** How the secret is used, under the warning. */
  usage: ReactNode;
}

export function SecretDialog({ shown, onClose }: { shown: ShownSecret | null; onClose: () => void }) {
  const phone = usePhone();
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  const inputRef = useRef<HTMLTextAreaElement | null>(null);
  // The last secret stays in the dialog while it closes.
  const [last, setLast] = useState(shown);
  if (shown && shown !== last) setLast(shown);
  useEffect(() => setCopied(null), [last]);

  async function copy() {
    if (!last) return;
    try {
      await navigator.clipboard.writeText(last.secret);
      setCopied('yes');
    } catch {
      // No clipboard (an insecure origin, or refused): select the text to copy by hand.
      inputRef.current?.focus();
      inputRef.current?.select();
      setCopied('failed');
    }
  }

  return (
    <Dialog
      open={shown !== null}
      onClose={(_, reason) => reason !== 'backdropClick' && reason !== 'escapeKeyDown' && onClose()}
      fullScreen={phone}
      fullWidth
      maxWidth="sm"
      aria-labelledby="secret-dialog-title"
      data-testid="secret-dialog"
      data-kind={last?.kind}
    >
      <DialogTitle id="secret-dialog-title">{last?.title}</DialogTitle>
      <DialogContent>
        <Stack spacing={2}>
          <Alert severity="warning" data-testid="secret-warning">
            <strong>Copy it now: you will not see it again.</strong> QuickCommerce keeps no readable copy of it. If it is lost, replace it with a new one.
          </Alert>
          <TextField
            label="Secret"
            value={last?.secret ?? ''}
            fullWidth
            multiline
            inputRef={inputRef}
            slotProps={{
              htmlInput: {
                readOnly: true,
                'aria-label': 'Secret',
                'data-testid': 'secret-value',
                spellCheck: false,
                style: { wordBreak: 'break-all', fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace' },
                onFocus: (e: React.FocusEvent<HTMLTextAreaElement>) => e.target.select(),
              },
            }}
          />
          {copied === 'yes' && (
            <Typography color="success.main" role="status" data-testid="secret-copied">
              Copied.
            </Typography>
          )}
          {copied === 'failed' && (
            <Typography color="text.secondary" role="status">
              This browser did not let us copy it: the secret is selected, copy it by hand.
            </Typography>
          )}
          <Typography variant="body2" color="text.secondary" component="div">
            {last?.usage}
          </Typography>
        </Stack>
      </DialogContent>
      <DialogActions sx={{ p: 2, gap: 1, flexWrap: 'wrap' }}>
        <Button onClick={onClose} sx={{ minHeight: 44 }} data-testid="secret-done">
          Done
        </Button>
        <Button variant="contained" onClick={() => void copy()} sx={{ minHeight: 44 }} data-testid="secret-copy">
          Copy secret
        </Button>
      </DialogActions>
    </Dialog>
  );
}
