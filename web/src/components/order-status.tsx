/** Status chip and stepper for an order, shared by every role. */
import { Chip, Step, StepLabel, Stepper, Typography } from '@mui/material';
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

export function OrderStepper({ order, orientation }: { order: OrderView; orientation?: 'horizontal' | 'vertical' }) {
  if (order.status === 'cancelled') {
    return (
      <Typography color="error" data-testid="order-cancelled" data-reason={order.cancelReason ?? ''} role="status">
        {cancellationText(order.cancelReason)}
      </Typography>
    );
  }
  const current = statusIndex(order.status);
  return (
    <Stepper
      activeStep={order.status === 'delivered' ? ORDER_FLOW.length : current}
      alternativeLabel={orientation !== 'vertical'}
      orientation={orientation ?? 'horizontal'}
      data-testid="order-stepper"
      data-status={order.status}
      aria-label="Order progress"
    >
      {ORDER_FLOW.map((status, i) => {
        const at = order[TIME_OF[status]] as string | null | undefined;
        return (
          <Step key={status} completed={i <= current}>
            <StepLabel optional={at ? <Typography variant="caption">{formatTime(at)}</Typography> : undefined}>
              {statusLabel(status)}
            </StepLabel>
          </Step>
        );
      })}
    </Stepper>
  );
}
