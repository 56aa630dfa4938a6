import { apiClient } from '@/lib/api-client';
import type { PickLineRequest, PickerOrderResponse, PickerQueueResponse, ProductsListResponse } from '@/types/fulfilment';

const base = '/api/picker/orders';
const one = (orderId: string) => `${base}/${encodeURIComponent(orderId)}`;

export const pickerApi = {
  /** The store's orders to pick, most urgent first. */
  queue: (signal?: AbortSignal) => apiClient.get<PickerQueueResponse>(base, { signal }),
  /** One order's pick list, in bin order. */
  order: (orderId: string, signal?: AbortSignal) => apiClient.get<PickerOrderResponse>(one(orderId), { signal }),
  /** 409 `already_claimed` when another picker was first. */
  claim: (orderId: string) => apiClient.post<PickerOrderResponse>(`${one(orderId)}/claim`),
  /** Exactly one of `picked`, `short` or `substitute`. */
  line: (orderId: string, lineId: number, body: PickLineRequest) =>
    apiClient.post<PickerOrderResponse>(`${one(orderId)}/lines/${lineId}`, body),
  /** Products that could stand in for a line's product here: same category, in stock, closest in price first. */
  substitutes: (orderId: string, lineId: number, signal?: AbortSignal) =>
    apiClient.get<ProductsListResponse>(`${one(orderId)}/lines/${lineId}/substitutes`, { signal }),
  /** 409 `lines_pending` while a line is not done or waits for the customer. */
  packed: (orderId: string, bags: number) => apiClient.post<PickerOrderResponse>(`${one(orderId)}/packed`, { bags }),
};
