/**
 * Mounted once in the shop: hears `order:substitution-proposed` (and the order changes
 * that end a proposal) on any page, and shows the first substitute waiting for an answer,
 * the soonest to expire first. The dialog itself loads when first needed.
 */
import { lazy, Suspense, useEffect, useState } from 'react';
import { useSocketEvent } from '@/hooks/use-socket-event';
import { loadAppConfig } from '@/lib/app-config';
import { afterFirstContent } from '@/lib/first-content';
import { showBrowserNotification } from '@/lib/browser-notify';
import { playChime } from '@/lib/sound';
import { proposalStore, useProposals } from '@/features/customer/hooks/use-substitution-proposals';
import { fromEvent } from '@/features/customer/utils/proposals';

const ProposalDialog = lazy(() => import('@/features/customer/components/substitution-dialog'));

export function SubstitutionPrompt() {
  const proposals = useProposals();
  const [maxSecs, setMaxSecs] = useState<number | null>(null);

  useEffect(() => {
    let live = true;
    // The time limit (`GET /api/config`): asked for once the page's first screen is in.
    void afterFirstContent()
      .then(() => loadAppConfig())
      .then((c) => live && setMaxSecs(c.substitutionApprovalSecs));
    return () => {
      live = false;
      proposalStore.reset();
    };
  }, []);

  useSocketEvent('order:substitution-proposed', (event) => {
    proposalStore.offer([fromEvent(event, Date.now())]);
    playChime();
    showBrowserNotification('A substitute needs your answer', `${event.substitute.name} for ${event.name}`, `substitute-${event.orderId}-${event.lineId}`);
  });
  // Answered elsewhere, or refunded for want of an answer: the lines say so.
  useSocketEvent('order:fulfilment-updated', (event) => proposalStore.sync(event.orderId, null, event.items));

  const first = proposals[0];
  return first ? (
    <Suspense fallback={null}>
      <ProposalDialog key={first.key} proposal={first} maxSecs={maxSecs} />
    </Suspense>
  ) : null;
}
