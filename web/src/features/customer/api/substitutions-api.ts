import { apiClient } from '@/lib/api-client';
import type { OrderResponse } from '@/types/models';
import type { SubstitutionAnswer } from '@/types/fulfilment';

export const substitutionsApi = {
  /** Yes applies the substitute at its price; no refunds the missing units (409 `proposal_expired`, `no_proposal`). */
  answer: (orderId: string, lineId: number, approve: boolean) =>
    apiClient.post<OrderResponse>(
      `/api/customer/orders/${encodeURIComponent(orderId)}/substitutions/${lineId}`,
      { approve } satisfies SubstitutionAnswer,
    ),
};
