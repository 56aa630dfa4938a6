import { apiClient } from '@/lib/api-client';
import type { OrderResponse, OrdersResponse, PlaceOrderRequest, RatingRequest, TrackingResponse } from '@/types/models';

const base = '/api/customer/orders';
const one = (orderId: string) => `${base}/${encodeURIComponent(orderId)}`;

export const ordersApi = {
  /** `idempotencyKey`: one per checkout attempt, so a retried request never orders twice. */
  place: (body: PlaceOrderRequest, idempotencyKey: string) =>
    apiClient.post<OrderResponse>(base, body, { headers: { 'Idempotency-Key': idempotencyKey } }),
  list: (query: { page?: number; limit?: number; status?: string }, signal?: AbortSignal) =>
    apiClient.get<OrdersResponse>(base, { query, signal }),
  get: (orderId: string, signal?: AbortSignal) => apiClient.get<OrderResponse>(one(orderId), { signal }),
  cancel: (orderId: string, reason: string | null) => apiClient.post<OrderResponse>(`${one(orderId)}/cancel`, { reason }),
  tracking: (orderId: string, signal?: AbortSignal) =>
    apiClient.get<TrackingResponse>(`${one(orderId)}/tracking`, { signal }),
  /** Rate a delivered order once, maybe with a comment and a tip in paise (409 `order_not_delivered`, `already_rated`). */
  rate: (orderId: string, body: RatingRequest) => apiClient.post<OrderResponse>(`${one(orderId)}/rating`, body),
};
