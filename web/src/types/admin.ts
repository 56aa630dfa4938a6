/**
 * Admin API shapes.
 *
 * TEMPORARY: the admin routes are not in docs/openapi.json yet. When they are, these
 * become aliases of the generated `api.d.ts` like `models.ts`.
 */
import type { OrderEventView, OrderView, Pagination, ProductView, CategoryView } from '@/types/models';

export interface OrdersTodayStats {
  total: number;
  pending: number;
  accepted: number;
  picked_up: number;
  on_the_way: number;
  delivered: number;
  cancelled: number;
}

export interface AdminStats {
  ordersToday: OrdersTodayStats;
  revenueToday: number;
  averageDeliverySeconds: number | null;
  p90DeliverySeconds: number | null;
  partners: { total: number; online: number; available: number; busy: number };
  customersOnline: number;
  lowStock: { productId: string; name: string; stock: number }[];
  generatedAt: string;
}

export interface OnlineUsers {
  customers: number;
  delivery: number;
  admin: number;
  total: number;
}

export interface AdminUser {
  id: string;
  name: string;
  email: string;
  phone?: string | null;
  role: string;
  status: string;
  createdAt: string;
  online: boolean;
}

export interface AdminPartner {
  id: string;
  name: string;
  email: string;
  phone?: string | null;
  isAvailable: boolean;
  isVerified: boolean;
  status: string;
  online: boolean;
  activeOrders: number;
  activeOrderId?: string | null;
  lastLocation: { lat: number; lng: number; at: string } | null;
  totalDeliveries: number;
  totalEarnings: number;
}

export interface AdminOrderDetail {
  success: boolean;
  order: OrderView;
  timeline: Omit<OrderEventView, 'orderId'>[];
  trail: { lat: number; lng: number; at: string }[];
  customer: { id: string; name: string; email: string; phone?: string | null };
  partner: { id: string; name: string; phone?: string | null } | null;
}

export interface StatsResponse {
  success: boolean;
  stats: AdminStats;
}
export interface AdminOrdersResponse {
  success: boolean;
  orders: OrderView[];
  pagination: Pagination;
}
export interface AdminUsersResponse {
  success: boolean;
  users: AdminUser[];
  pagination: Pagination;
}
export interface AdminUserResponse {
  success: boolean;
  user: AdminUser;
}
export interface AdminPartnersResponse {
  success: boolean;
  partners: AdminPartner[];
  pagination: Pagination;
}
export interface AdminPartnerResponse {
  success: boolean;
  partner: AdminPartner;
}
export interface OnlineUsersResponse {
  success: boolean;
  onlineUsers: OnlineUsers;
}
export interface AdminProductsResponse {
  success: boolean;
  products: ProductView[];
  pagination: Pagination;
}
export interface AdminProductResponse {
  success: boolean;
  product: ProductView;
}
export interface AdminCategoriesResponse {
  success: boolean;
  categories: CategoryView[];
}
export interface AdminCategoryResponse {
  success: boolean;
  category: CategoryView;
}
export interface AdminOrderResponse {
  success: boolean;
  order: OrderView;
}

export interface CreateProductRequest {
  sku: string;
  name: string;
  description: string;
  category: string;
  unit: string;
  price: number;
  mrp: number;
  stock: number;
  brand?: string;
  tags?: string[];
}
export interface UpdateProductRequest {
  name?: string;
  description?: string;
  unit?: string;
  price?: number;
  mrp?: number;
  isActive?: boolean;
  brand?: string;
  tags?: string[];
}
export interface StockRequest {
  set?: number;
  adjust?: number;
  reason: string;
}
export interface CategoryRequest {
  slug?: string;
  name?: string;
  description?: string;
  color?: string;
  icon?: string;
  isActive?: boolean;
}

export interface StatsUpdatedEvent {
  stats: AdminStats;
}
export interface PresenceUpdatedEvent {
  onlineUsers: OnlineUsers;
}
