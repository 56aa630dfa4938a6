/** Status chip and stepper for an order, shared by every role. */
import { Box, Chip, Typography } from '@mui/material';
import { cancellationText, ORDER_FLOW, statusColor, statusIndex, statusLabel } from '@/lib/order-status';
import { formatTime } from '@/lib/format';
import type { OrderView } from '@/types/models';

export function StatusChip({ status, testId }: { status: string; testId?: string }) {
  return (
    <Chip
      size="small"
      label={statusLabel(status)}
      color={statusColor(status)}
      data-testid={testId ?? 'order-status'}
      data-status={status}
      aria-label={`Status: ${statusLabel(status)}`}
    />
  );
}

const TIME_OF: Record<string, keyof OrderView> = {
  pending: 'createdAt',
  accepted: 'acceptedAt',
  picked_up: 'pickedUpAt',
  on_the_way: 'onTheWayAt',
  delivered: 'deliveredAt',
};

/**
 * The steps of an order (placed → delivered), as MUI's Stepper with labels under the icons
 * draws them: a list of plain elements styled once here (STEPS_SX), not the two dozen
 * styled components of Stepper, Step, StepLabel, StepIcon and StepConnector on the
 * tracking page's first screen.
 */
const STEPS_SX = {
  display: 'flex',
  listStyle: 'none',
  m: 0,
  p: 0,
  '& .qc-step': { position: 'relative', flex: '1 1 0', minWidth: 0, px: 1, textAlign: 'center' },
  // The line between two steps, from the previous icon to this one.
  '& .qc-step + .qc-step::before': {
    content: '""',
    position: 'absolute',
    top: 12,
    left: 'calc(-50% + 20px)',
    right: 'calc(50% + 20px)',
    borderTop: '1px solid',
    borderColor: 'grey.400',
  },
  '& .qc-step-icon': { display: 'block', width: 24, height: 24, mx: 'auto', color: 'text.disabled' },
  '& .qc-step-done .qc-step-icon, & .qc-step[aria-current] .qc-step-icon': { color: 'primary.main' },
  '& .qc-step-icon text': { fill: '#fff', fontSize: '0.75rem', fontFamily: 'inherit' },
  '& .qc-step-label': { display: 'block', mt: 2, typography: 'body2', color: 'text.secondary' },
  '& .qc-step-done .qc-step-label, & .qc-step[aria-current] .qc-step-label': { color: 'text.primary', fontWeight: 500 },
  '& .qc-step-time': { display: 'block', typography: 'caption', color: 'text.secondary' },
} as const;

/** The round icon of a step: a tick once done, else its number. */
function StepIcon({ n, done }: { n: number; done: boolean }) {
  return (
    <svg className="qc-step-icon" viewBox="0 0 24 24" focusable="false" aria-hidden="true">
      {done ? (
        <path fill="currentColor" d="M12 0a12 12 0 1 0 0 24 12 12 0 0 0 0-24zm-2 17-5-5 1.4-1.4 3.6 3.6 7.6-7.6L19 8l-9 9z" />
      ) : (
        <>
          <circle cx="12" cy="12" r="12" fill="currentColor" />
          <text x="12" y="12" textAnchor="middle" dominantBaseline="central">
            {n}
          </text>
        </>
      )}
    </svg>
  );
}

export function OrderStepper({ order }: { order: OrderView }) {
  if (order.status === 'cancelled') {
    return (
      <Typography color="error" data-testid="order-cancelled" data-reason={order.cancelReason ?? ''} role="status">
        {cancellationText(order.cancelReason)}
      </Typography>
    );
  }
  const current = statusIndex(order.status);
  return (
    <Box component="ol" sx={STEPS_SX} data-testid="order-stepper" data-status={order.status} aria-label="Order progress">
      {ORDER_FLOW.map((status, i) => {
        const at = order[TIME_OF[status]] as string | null | undefined;
        const done = i <= current;
        return (
          <li key={status} className={done ? 'qc-step qc-step-done' : 'qc-step'} aria-current={i === current ? 'step' : undefined}>
            <StepIcon n={i + 1} done={done} />
            <span className="qc-step-label">{statusLabel(status)}</span>
            {at && <span className="qc-step-time">{formatTime(at)}</span>}
          </li>
        );
      })}
    </Box>
  );
}
