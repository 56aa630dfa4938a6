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

/**
 * The document gives `hours`, `settings` and `zone` no properties (`{"type": "object"}`,
 * generated as `Record<string, never>`): here they are what the server sends, read with
 * the guards of features/admin/utils/store-form.ts, and what the editor sends (below).
 */
type Opaque = 'hours' | 'settings' | 'zone';
export type AdminStore = Omit<S['AdminStoreView'], Opaque> & { hours: unknown; settings: unknown; zone?: unknown };
export type AdminStoreResponse = Omit<S['AdminStoreResponse'], 'store'> & { store: AdminStore };
export type AdminStoresResponse = Omit<S['AdminStoresResponse'], 'stores'> & { stores: AdminStore[] };
export type StoreRequest = Omit<S['StoreRequest'], Opaque> & {
  hours?: StoreHours | null;
  settings?: StoreSettings | null;
  zone?: ZoneGeometry | null;
};
export type StoreLoad = S['StoreLoadView'];
export type StoreLoadResponse = S['StoreLoadResponse'];
export type PartnerStoreRequest = S['PartnerStoreRequest'];

/*
 * The document types a store's `hours`, `settings` and `zone` as plain objects and
 * describes their content in words (StoreRequest): these are those words as types.
 */
export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';
/** `"HH:MM"`; `close` before `open` runs past midnight. */
export interface OpeningInterval {
  open: string;
  close: string;
}
/** A day left out is closed. */
export type StoreHours = Partial<Record<Weekday, OpeningInterval[]>>;
/** `maxPromiseMinutes` 0 = never busy. */
export interface StoreSettings {
  maxPromiseMinutes?: number;
  pickBaseMinutes?: number;
  pickPerItemSeconds?: number;
  pickCapacity?: number;
  riderCycleMinutes?: number;
  travelBufferMinutes?: number;
  /** How new orders reach partners: all at once (`broadcast`) or one ranked partner at a time (`auto`). */
  dispatchMode?: DispatchMode;
  /** `auto`: seconds a partner has to answer an offer (default 20). */
  offerTimeoutSecs?: number;
  /** `auto`: offers made one by one before the order is broadcast (default 5). */
  maxOfferRounds?: number;
}
export type DispatchMode = 'broadcast' | 'auto';
/** GeoJSON, longitude first; rings closed (first point = last); holes allowed. */
export type LngLat = [number, number];
export type ZoneGeometry =
  | { type: 'Polygon'; coordinates: LngLat[][] }
  | { type: 'MultiPolygon'; coordinates: LngLat[][][] };

/** `stats:updated` → admins: `{stats}` (StatsResponse without `success`). */
export type StatsUpdatedEvent = Pick<StatsResponse, 'stats'>;
/** `presence:updated` → admins: `{onlineUsers}`. */
export type PresenceUpdatedEvent = Pick<OnlineUsersResponse, 'onlineUsers'>;
/** `order:unassigned` → the partner an admin took the order from. */
export type OrderUnassignedEvent = Pick<S['OrderCancelledEvent'], 'orderId' | 'seq' | 'reason'>;

/* Dispatch: the live board, offer history, and what admins are told. */
export type OfferHistoryView = S['OfferHistoryView'];
export type DispatchBoardItem = S['DispatchBoardItem'];
export type DispatchBoardResponse = S['DispatchBoardResponse'];
/** `dispatch:updated` / `dispatch:escalated` → admins, at every step of an order's dispatch (no schema in the document). */
export interface DispatchUpdatedEvent {
  orderId: string;
  storeId: string;
  /** `offered`, `declined`, `expired`, `accepted`, `withdrawn` or `escalated`. */
  state: string;
  partnerId?: string | null;
  partnerName?: string | null;
  round?: number | null;
  expiresAt?: string | null;
  /** A decline's reason, or why it was escalated (`rounds_exhausted`, `no_eligible_partner`). */
  reason?: string | null;
  at: string;
}
