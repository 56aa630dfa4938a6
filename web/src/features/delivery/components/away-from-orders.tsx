/**
 * While the partner is on another page (earnings, history), offers still reach them and
 * their position still reaches dispatch: a banner with the seconds left links back to
 * the orders page, where the offer card is, and the idle position keeps being sent.
 */
import { useCallback, useEffect, useState } from 'react';
import { Link as RouterLink } from 'react-router';
import { Alert, Button } from '@mui/material';
import { useNow } from '@/hooks/use-now';
import { useReconnect, useSocketEvent } from '@/hooks/use-socket-event';
import { deliveryApi } from '@/features/delivery/api/delivery-api';
import { useIdlePosition } from '@/features/delivery/hooks/use-idle-position';
import { useOffers } from '@/features/delivery/hooks/use-offers';
import { eligibilityOf } from '@/features/delivery/hooks/use-partner-orders';
import { secondsLeft } from '@/features/delivery/utils/dispatch';
import type { PartnerView } from '@/types/models';

export function AwayFromOrders() {
  const [partner, setPartner] = useState<PartnerView | null>(null);
  const load = useCallback(() => {
    deliveryApi
      .profile()
      .then((r) => setPartner(r.partner))
      .catch(() => undefined);
  }, []);
  useEffect(load, [load]);
  useReconnect(load);
  useSocketEvent('partner:auto-paused', load);
  const receiving = !!partner?.isAvailable && eligibilityOf(partner) === 'eligible';
  useIdlePosition(receiving, partner?.homeStore?.id, null);
  const { offers } = useOffers(receiving);
  const now = useNow(500);
  const first = offers[0];
  if (!first) return null;
  const left = secondsLeft(first.expiresAt, now);
  return (
    <Alert
      severity="warning"
      sx={{ mb: 2 }}
      role="alert"
      data-testid="offer-banner"
      action={
        <Button component={RouterLink} to="/partner" color="inherit" size="small" aria-label="Answer the offer">
          Answer
        </Button>
      }
    >
      {first.order.orderNumber} is offered to you: {left}&nbsp;s left to accept or decline.
    </Alert>
  );
}
