import { apiClient } from '@/lib/api-client';
import type { AddressRequest, AddressResponse, AddressesResponse, MessageResponse } from '@/types/models';

const base = '/api/customer/addresses';

export const addressApi = {
  list: (signal?: AbortSignal) => apiClient.get<AddressesResponse>(base, { signal }),
  create: (body: AddressRequest) => apiClient.post<AddressResponse>(base, body),
  update: (id: string, body: AddressRequest) => apiClient.put<AddressResponse>(`${base}/${encodeURIComponent(id)}`, body),
  remove: (id: string) => apiClient.delete<MessageResponse>(`${base}/${encodeURIComponent(id)}`),
  setDefault: (id: string) => apiClient.put<AddressResponse>(`${base}/${encodeURIComponent(id)}/default`),
};
