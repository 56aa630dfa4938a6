import { apiClient } from '@/lib/api-client';
import type {
  AdminCategoryResponse,
  AdminOrderDetail,
  AdminOrderResponse,
  AdminProductResponse,
  CategoryRequest,
  CreateProductRequest,
  AdminStoreResponse,
  AdminStoresResponse,
  DispatchBoardResponse,
  OnlineUsersResponse,
  PartnersResponse,
  StoreLoadResponse,
  StoreRequest,
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
  storeId?: string;
}

export const adminApi = {
  /** All stores together, or one (`storeId`). */
  stats: (storeId?: string, signal?: AbortSignal) => apiClient.get<StatsResponse>(`${base}/stats`, { query: { storeId }, signal }),
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

  partners: (query: { search?: string; page?: number; limit?: number; storeId?: string }, signal?: AbortSignal) =>
    apiClient.get<PartnersResponse>(`${base}/partners`, { query: { ...query }, signal }),
  /** The partner is offered this store's orders from now on (their open orders stay theirs). */
  movePartner: (id: string, storeId: string) => apiClient.put<PartnerResponse>(`${base}/partners/${enc(id)}/store`, { storeId }),
  verifyPartner: (id: string, verified: boolean) =>
    apiClient.post<PartnerResponse>(`${base}/partners/${enc(id)}/verify`, { verified }),
  suspendPartner: (id: string, suspended: boolean) =>
    apiClient.post<PartnerResponse>(`${base}/partners/${enc(id)}/suspend`, { suspended }),

  /** `storeId`: stock of that store (all stores together without it). */
  products: (query: { search?: string; category?: string; page?: number; limit?: number; storeId?: string }, signal?: AbortSignal) =>
    apiClient.get<ProductsResponse>(`${base}/products`, { query: { ...query }, signal }),
  createProduct: (body: CreateProductRequest) => apiClient.post<AdminProductResponse>(`${base}/products`, body),
  updateProduct: (id: string, body: UpdateProductRequest) =>
    apiClient.put<AdminProductResponse>(`${base}/products/${enc(id)}`, body),
  changeStock: (id: string, body: StockRequest) =>
    apiClient.post<AdminProductResponse>(`${base}/products/${enc(id)}/stock`, body),

  stores: (signal?: AbortSignal) => apiClient.get<AdminStoresResponse>(`${base}/stores`, { signal }),
  store: (id: string, signal?: AbortSignal) => apiClient.get<AdminStoreResponse>(`${base}/stores/${enc(id)}`, { signal }),
  createStore: (body: StoreRequest) => apiClient.post<AdminStoreResponse>(`${base}/stores`, body),
  /** Only the fields given change (`settings` keys are merged; `zone: null` removes the zone). */
  updateStore: (id: string, body: StoreRequest) => apiClient.put<AdminStoreResponse>(`${base}/stores/${enc(id)}`, body),
  /** Orders waiting for a partner (`waiting`, `offered`, `broadcast`), of one store or all. */
  dispatchBoard: (storeId?: string, signal?: AbortSignal) =>
    apiClient.get<DispatchBoardResponse>(`${base}/dispatch`, { query: { storeId }, signal }),
  storeLoad: (id: string, signal?: AbortSignal) => apiClient.get<StoreLoadResponse>(`${base}/stores/${enc(id)}/load`, { signal }),

  categories: (signal?: AbortSignal) => apiClient.get<CategoriesResponse>(`${base}/categories`, { signal }),
  createCategory: (body: CategoryRequest) => apiClient.post<AdminCategoryResponse>(`${base}/categories`, body),
  updateCategory: (id: string, body: UpdateCategoryRequest) =>
    apiClient.put<AdminCategoryResponse>(`${base}/categories/${enc(id)}`, body),
};
