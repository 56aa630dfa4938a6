/**
 * Partner actions. Accept and status changes go over the socket (same service as REST,
 * acknowledged); when the socket is down they fall back to the REST routes.
 */
import { ApiError, apiClient } from '@/lib/api-client';
import { realtime } from '@/lib/socket';
import type {
  EarningsResponse,
  OffersResponse,
  OrderOffersResponse,
  PositionResponse,
  PartnerOrderResponse,
  PartnerOrderView,
  PartnerOrdersResponse,
  PartnerResponse,
} from '@/types/models';

const base = '/api/delivery';
const orderPath = (orderId: string) => `${base}/orders/${encodeURIComponent(orderId)}`;

async function viaSocket<T>(event: string, payload: unknown, rest: () => Promise<T>): Promise<T> {
  try {
    return await realtime.request<T>(event, payload);
  } catch (err) {
    if (err instanceof ApiError && (err.code === 'offline' || err.code === 'timeout')) return rest();
    throw err;
  }
}

export type NextStatus = 'picked_up' | 'on_the_way' | 'delivered';

export const deliveryApi = {
  profile: (signal?: AbortSignal) => apiClient.get<PartnerResponse>(`${base}/profile`, { signal }),
  setAvailability: (available: boolean) => apiClient.put<PartnerResponse>(`${base}/availability`, { available }),
  /** Offers (no customer details). 403 `partner_not_verified`/`partner_suspended`, 409 `partner_unavailable`. */
  available: (signal?: AbortSignal) => apiClient.get<OffersResponse>(`${base}/orders/available`, { signal }),
  active: (signal?: AbortSignal) => apiClient.get<PartnerOrdersResponse>(`${base}/orders/active`, { signal }),
  history: (page: number, signal?: AbortSignal) =>
    apiClient.get<PartnerOrdersResponse>(`${base}/orders/history`, { query: { page, limit: 10 }, signal }),
  earnings: (signal?: AbortSignal) => apiClient.get<EarningsResponse>(`${base}/earnings`, { signal }),
  /** The orders offered to this partner alone right now (auto dispatch), after a load or reconnect. */
  offers: (signal?: AbortSignal) => apiClient.get<OrderOffersResponse>(`${base}/offers`, { signal }),

  /** Pass an offer on to the next rider (`offer_not_found` when it already ended). */
  decline: (orderId: string, reason?: string): Promise<unknown> =>
    viaSocket('order:decline', reason ? { orderId, reason } : { orderId }, () =>
      apiClient.post<unknown>(`${orderPath(orderId)}/decline`, reason ? { reason } : {}),
    ),

  /**
   * Where an available partner is, without an order (dispatch offers orders to riders with
   * a position fresher than 2 minutes). Over the socket; over REST when it is down.
   */
  sendPosition: (lat: number, lng: number, onResult?: (error: ApiError | null) => void) => {
    if (realtime.connectionState === 'connected') {
      realtime.emit('delivery:location-update', { lat, lng }, (ack) => {
        onResult?.(ack.success ? null : new ApiError(0, ack.error.code, ack.error.message, ack.error.details));
      });
      return;
    }
    apiClient
      .put<PositionResponse>(`${base}/location`, { lat, lng })
      .then(() => onResult?.(null))
      .catch((err: unknown) => onResult?.(err instanceof ApiError ? err : new ApiError(0, 'network_error', String(err))));
  },

  /**
   * Race to accept: resolves with the full order, or rejects with `order_already_taken`
   * (or `partner_not_verified`, `partner_suspended`, `partner_unavailable`).
   */
  accept: (orderId: string): Promise<PartnerOrderView> =>
    viaSocket('order:accept', { orderId }, () =>
      apiClient.post<PartnerOrderResponse>(`${orderPath(orderId)}/accept`).then((r) => r.order),
    ),

  updateStatus: (orderId: string, status: Exclude<NextStatus, 'delivered'>): Promise<PartnerOrderView> =>
    viaSocket('order:status-update', { orderId, status }, () =>
      apiClient.put<PartnerOrderResponse>(`${orderPath(orderId)}/status`, { status }).then((r) => r.order),
    ),

  /** Deliver with the customer's code (`invalid_confirmation_code`, `confirmation_locked`). */
  confirmDelivery: (orderId: string, confirmationCode: string): Promise<PartnerOrderView> =>
    viaSocket('order:confirm-delivery', { orderId, confirmationCode }, () =>
      apiClient
        .put<PartnerOrderResponse>(`${orderPath(orderId)}/status`, { status: 'delivered', confirmationCode })
        .then((r) => r.order),
    ),

  /**
   * Stream a position for an active order (acknowledged): `onResult` gets null when it
   * was shared, or the refusal (`implausible_location`, `too_many_requests`, …).
   */
  sendLocation: (orderId: string, lat: number, lng: number, onResult?: (error: ApiError | null) => void) =>
    realtime.emit('delivery:location-update', { orderId, lat, lng }, (ack) => {
      onResult?.(ack.success ? null : new ApiError(0, ack.error.code, ack.error.message, ack.error.details));
    }),
};
