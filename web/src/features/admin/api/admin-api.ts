import { apiClient } from '@/lib/api-client';
import type {
  AdminCategoryResponse,
  AdminOrderDetail,
  AdminOrderResponse,
  AdminProductResponse,
  CategoryRequest,
  CreateProductRequest,
  OnlineUsersResponse,
  PartnersResponse,
  StatsResponse,
  StockRequest,
  UpdateCategoryRequest,
  UpdateProductRequest,
  UsersResponse,
} from '@/types/admin';
import type { CategoriesResponse, OrdersResponse, PartnerResponse, ProductsResponse, UserResponse } from '@/types/models';

const base = '/api/admin';
const enc = encodeURIComponent;

export interface AdminOrderQuery {
  status?: string;
  page?: number;
  limit?: number;
  search?: string;
  from?: string;
  to?: string;
  partnerId?: string;
}

export const adminApi = {
  stats: (signal?: AbortSignal) => apiClient.get<StatsResponse>(`${base}/stats`, { signal }),
  onlineUsers: (signal?: AbortSignal) => apiClient.get<OnlineUsersResponse>(`${base}/online-users`, { signal }),

  orders: (query: AdminOrderQuery, signal?: AbortSignal) =>
    apiClient.get<OrdersResponse>(`${base}/orders`, { query: { ...query }, signal }),
  order: (orderId: string, signal?: AbortSignal) => apiClient.get<AdminOrderDetail>(`${base}/orders/${enc(orderId)}`, { signal }),
  cancelOrder: (orderId: string, reason: string) =>
    apiClient.post<AdminOrderResponse>(`${base}/orders/${enc(orderId)}/cancel`, { reason }),
  unassignOrder: (orderId: string, reason: string) =>
    apiClient.post<AdminOrderResponse>(`${base}/orders/${enc(orderId)}/unassign`, { reason }),
  reassignOrder: (orderId: string, partnerId: string, reason: string) =>
    apiClient.post<AdminOrderResponse>(`${base}/orders/${enc(orderId)}/reassign`, { partnerId, reason }),
  /** A new delivery code, sent to the customer only (409 `invalid_order_state` unless in delivery). */
  resetCode: (orderId: string, reason: string) =>
    apiClient.post<AdminOrderResponse>(`${base}/orders/${enc(orderId)}/reset-code`, { reason }),

  users: (query: { role?: string; status?: string; search?: string; page?: number; limit?: number }, signal?: AbortSignal) =>
    apiClient.get<UsersResponse>(`${base}/users`, { query: { ...query }, signal }),
  blockUser: (id: string) => apiClient.post<UserResponse>(`${base}/users/${enc(id)}/block`),
  unblockUser: (id: string) => apiClient.post<UserResponse>(`${base}/users/${enc(id)}/unblock`),

  partners: (query: { search?: string; page?: number; limit?: number }, signal?: AbortSignal) =>
    apiClient.get<PartnersResponse>(`${base}/partners`, { query: { ...query }, signal }),
  verifyPartner: (id: string, verified: boolean) =>
    apiClient.post<PartnerResponse>(`${base}/partners/${enc(id)}/verify`, { verified }),
  suspendPartner: (id: string, suspended: boolean) =>
    apiClient.post<PartnerResponse>(`${base}/partners/${enc(id)}/suspend`, { suspended }),

  products: (query: { search?: string; category?: string; page?: number; limit?: number }, signal?: AbortSignal) =>
    apiClient.get<ProductsResponse>(`${base}/products`, { query: { ...query }, signal }),
  createProduct: (body: CreateProductRequest) => apiClient.post<AdminProductResponse>(`${base}/products`, body),
  updateProduct: (id: string, body: UpdateProductRequest) =>
    apiClient.put<AdminProductResponse>(`${base}/products/${enc(id)}`, body),
  changeStock: (id: string, body: StockRequest) =>
    apiClient.post<AdminProductResponse>(`${base}/products/${enc(id)}/stock`, body),

  categories: (signal?: AbortSignal) => apiClient.get<CategoriesResponse>(`${base}/categories`, { signal }),
  createCategory: (body: CategoryRequest) => apiClient.post<AdminCategoryResponse>(`${base}/categories`, body),
  updateCategory: (id: string, body: UpdateCategoryRequest) =>
    apiClient.put<AdminCategoryResponse>(`${base}/categories/${enc(id)}`, body),
};
