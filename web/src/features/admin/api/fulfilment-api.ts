import { apiClient } from '@/lib/api-client';
import type { AdminStoreResponse } from '@/types/admin';
import type { FulfilmentResponse, StaffCreatedResponse, StaffListResponse, StaffRequest } from '@/types/fulfilment';

const base = '/api/admin';
const enc = encodeURIComponent;

export const fulfilmentApi = {
  /** Per-store figures (all stores, or one) and the orders waiting to be picked or being picked. */
  overview: (storeId?: string, signal?: AbortSignal) =>
    apiClient.get<FulfilmentResponse>(`${base}/fulfilment`, { query: { storeId }, signal }),
  /** A store picks and packs (`on`) or riders pick up at once (`off`). */
  setFulfilment: (storeId: string, on: boolean) =>
    apiClient.put<AdminStoreResponse>(`${base}/stores/${enc(storeId)}`, { settings: { fulfilment: on ? 'on' : 'off' } }),

  staff: (storeId?: string, signal?: AbortSignal) => apiClient.get<StaffListResponse>(`${base}/staff`, { query: { storeId }, signal }),
  /** 201 with the one-time link to set a first password (shown once). */
  createStaff: (body: StaffRequest) => apiClient.post<StaffCreatedResponse>(`${base}/staff`, body),
  /** A fresh one-time link (the previous one stops working). */
  newLink: (userId: string) => apiClient.post<StaffCreatedResponse>(`${base}/staff/${enc(userId)}/link`),
};
