/**
 * Admin API shapes: aliases of the generated `api.d.ts` (docs/openapi.json), like
 * `models.ts`. The two admin-only socket payloads are composed from generated parts.
 */
import type { components } from '@/types/api';

type S = components['schemas'];

export type AdminStats = S['StatsView'];
export type StatsResponse = S['StatsResponse'];
export type OrdersByStatus = S['OrdersByStatus'];
export type LowStockItem = S['LowStockItem'];
export type OnlineUsers = S['OnlineCounts'];
export type OnlineUsersResponse = S['OnlineUsersResponse'];

export type AdminOrderDetail = S['AdminOrderDetail'];
export type AdminOrderResponse = S['AdminOrderResponse'];
export type TimelineEntry = S['TimelineEntry'];
export type PersonView = S['PersonView'];
export type ReasonRequest = S['ReasonRequest'];
export type ReassignRequest = S['ReassignRequest'];

export type AdminUser = S['AdminUserView'];
export type UsersResponse = S['UsersResponse'];
export type AdminPartner = S['AdminPartnerView'];
export type PartnersResponse = S['PartnersResponse'];
export type VerifyRequest = S['VerifyRequest'];
export type SuspendRequest = S['SuspendRequest'];

export type AdminProductResponse = S['AdminProductResponse'];
export type CreateProductRequest = S['CreateProductRequest'];
export type UpdateProductRequest = S['UpdateProductRequest'];
export type StockRequest = S['StockRequest'];
export type AdminCategoryResponse = S['AdminCategoryResponse'];
export type CategoryRequest = S['CategoryRequest'];
export type UpdateCategoryRequest = S['UpdateCategoryRequest'];

/** `stats:updated` → admins: `{stats}` (StatsResponse without `success`). */
export type StatsUpdatedEvent = Pick<StatsResponse, 'stats'>;
/** `presence:updated` → admins: `{onlineUsers}`. */
export type PresenceUpdatedEvent = Pick<OnlineUsersResponse, 'onlineUsers'>;
/** `order:unassigned` → the partner an admin took the order from. */
export type OrderUnassignedEvent = Pick<S['OrderCancelledEvent'], 'orderId' | 'seq' | 'reason'>;
