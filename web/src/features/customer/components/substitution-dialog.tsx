/**
 * The store ran short and proposes a dearer product: the customer approves it or takes
 * the refund, before the time runs out (no answer is a refund), with a countdown.
 * Loaded when the first proposal arrives (substitution-prompt.tsx decides when).
 */
import { useEffect, useState } from 'react';
import {
  Alert,
  Box,
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  LinearProgress,
  Stack,
  Typography,
} from '@mui/material';
import { useSnackbar } from '@/components/snackbar-provider';
import { useNow } from '@/hooks/use-now';
import { usePhone } from '@/hooks/use-phone';
import { errorCode, errorMessage } from '@/lib/api-client';
import { formatMoney } from '@/lib/format';
import { answerDeadline, clockOf, secondsLeft } from '@/lib/fulfilment';
import { substitutionsApi } from '@/features/customer/api/substitutions-api';
import { proposalStore } from '@/features/customer/hooks/use-substitution-proposals';
import type { Proposal } from '@/features/customer/utils/proposals';

export default function ProposalDialog({ proposal, maxSecs }: { proposal: Proposal; maxSecs: number | null }) {
  const phone = usePhone();
  const { notify } = useSnackbar();
  const now = useNow(250);
  const [busy, setBusy] = useState<'approve' | 'refund' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const deadline = answerDeadline(proposal.expiresAt, proposal.seenAt, maxSecs);
  const left = secondsLeft(deadline, now);
  const total = Math.max(1, Math.round((deadline - proposal.seenAt) / 1000));
  const sub = proposal.substitute;
  const missing = proposal.ordered - proposal.found;
  const difference = proposal.lineTotalAfter - proposal.lineTotalBefore;

  useEffect(() => {
    if (left > 0 || busy) return;
    proposalStore.done(proposal.key);
    notify(`No answer in time: the missing ${proposal.name} is refunded.`, 'info');
  }, [left, busy, proposal.key, proposal.name, notify]);

  async function answer(approve: boolean) {
    setBusy(approve ? 'approve' : 'refund');
    setError(null);
    try {
      await substitutionsApi.answer(proposal.orderId, proposal.lineId, approve);
      proposalStore.done(proposal.key);
      notify(approve ? `${sub.name} is coming instead.` : `The missing ${proposal.name} is refunded.`, 'success');
    } catch (err) {
      const code = errorCode(err);
      if (code === 'proposal_expired' || code === 'no_proposal' || code === 'order_not_found') {
        proposalStore.done(proposal.key);
        notify(errorMessage(err), 'info');
      } else {
        setError(errorMessage(err));
      }
    } finally {
      setBusy(null);
    }
  }

  return (
    <Dialog open fullScreen={phone} fullWidth maxWidth="xs" aria-labelledby="substitution-title" aria-describedby="substitution-text" data-testid="substitution-dialog" data-order-id={proposal.orderId} data-line-id={proposal.lineId}>
      <DialogTitle id="substitution-title">A substitute for {proposal.name}?</DialogTitle>
      <DialogContent>
        <Stack spacing={2}>
          <Typography id="substitution-text">
            {proposal.found === 0
              ? `The store is out of ${proposal.name}.`
              : `The store found only ${proposal.found} of the ${proposal.ordered} ${proposal.name} you ordered.`}{' '}
            Instead of the {missing} missing, it suggests:
          </Typography>
          <Box sx={{ p: 1.5, borderRadius: 2, bgcolor: 'action.hover' }} data-testid="substitution-offer">
            <Typography sx={{ fontWeight: 700, overflowWrap: 'anywhere' }}>
              {sub.quantity} × {sub.name}
            </Typography>
            <Typography variant="body2" color="text.secondary">
              {sub.unit} · {formatMoney(sub.unitPrice)} each
            </Typography>
          </Box>
          <Typography data-testid="substitution-price">
            This line would cost <b>{formatMoney(proposal.lineTotalAfter)}</b> instead of {formatMoney(proposal.lineTotalBefore)}
            {difference > 0 ? ` (${formatMoney(difference)} more)` : ''}.
          </Typography>
          <Box>
            <Typography variant="body2" sx={{ fontWeight: 600 }} data-testid="substitution-countdown" data-seconds={left} aria-live="off">
              Answer within {clockOf(left)}: no answer means a refund.
            </Typography>
            <LinearProgress variant="determinate" value={Math.min(100, (100 * left) / total)} sx={{ mt: 0.5, height: 6, borderRadius: 3 }} color={left <= 15 ? 'warning' : 'primary'} />
          </Box>
          {error && (
            <Alert severity="error" role="alert" data-testid="substitution-error">
              {error}
            </Alert>
          )}
        </Stack>
      </DialogContent>
      <DialogActions sx={{ p: 2, pb: phone ? 'calc(16px + env(safe-area-inset-bottom))' : 2, gap: 1, flexWrap: 'wrap' }}>
        <Button onClick={() => void answer(false)} disabled={busy !== null} size="large" sx={{ minHeight: 48 }} data-testid="substitution-refund">
          {busy === 'refund' ? 'Saving…' : 'Refund instead'}
        </Button>
        <Button variant="contained" onClick={() => void answer(true)} disabled={busy !== null} size="large" sx={{ minHeight: 48 }} data-testid="substitution-approve">
          {busy === 'approve' ? 'Saving…' : `Approve · ${formatMoney(proposal.lineTotalAfter)}`}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
