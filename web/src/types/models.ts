/**
 * Short names for the server's shapes. Every type here is an alias of the generated
 * `api.d.ts` (from docs/openapi.json via `npm run gen:types`); nothing is retyped.
 */
import type { components } from '@/types/api';

type S = components['schemas'];

export type UserView = S['UserView'];
export type AuthResponse = S['AuthResponse'];
export type LoginRequest = S['LoginRequest'];
export type RegisterRequest = S['RegisterRequest'];
export type UserResponse = S['UserResponse'];
export type MessageResponse = S['MessageResponse'];
export type ErrorEnvelope = S['ErrorEnvelope'];
export type ErrorBody = S['ErrorBody'];
export type Pagination = S['Pagination'];

export type ProductView = S['ProductView'];
export type ProductsResponse = S['ProductsResponse'];
export type CategoryView = S['CategoryView'];
export type CategoriesResponse = S['CategoriesResponse'];
export type CartLineRequest = S['CartLineRequest'];
export type CartLineCheck = S['CartLineCheck'];
export type CartValidateRequest = S['CartValidateRequest'];
export type CartValidateResponse = S['CartValidateResponse'];

export type AddressRequest = S['AddressRequest'];
export type AddressView = S['AddressView'];
export type SavedAddressView = S['SavedAddressView'];
export type AddressResponse = S['AddressResponse'];
export type AddressesResponse = S['AddressesResponse'];

export type OrderView = S['OrderView'];
export type OrderItemView = S['OrderItemView'];
export type OrderResponse = S['OrderResponse'];
export type OrdersResponse = S['OrdersResponse'];
export type PlaceOrderRequest = S['PlaceOrderRequest'];
export type OrderEventView = S['OrderEventView'];
export type EventsResponse = S['EventsResponse'];
export type TrackingView = S['TrackingView'];
export type TrackingResponse = S['TrackingResponse'];
export type LocationPoint = S['LocationPoint'];
export type LocationView = S['LocationView'];
export type PartnerRef = S['PartnerRef'];

export type PartnerView = S['PartnerView'];
export type PartnerResponse = S['PartnerResponse'];
export type PartnerOrderView = S['PartnerOrderView'];
export type PartnerOrderResponse = S['PartnerOrderResponse'];
export type PartnerOrdersResponse = S['PartnerOrdersResponse'];
export type StatusUpdateRequest = S['StatusUpdateRequest'];
export type EarningsView = S['EarningsView'];
export type EarningsResponse = S['EarningsResponse'];
export type EarningLine = S['EarningLine'];

/* Socket.io event payloads (components.schemas.*Event in the OpenAPI document). */
export type OrderCreatedEvent = S['OrderCreatedEvent'];
export type OrderAcceptedEvent = S['OrderAcceptedEvent'];
export type AcceptedSuccessEvent = S['AcceptedSuccessEvent'];
export type OrderTakenEvent = S['OrderTakenEvent'];
export type StatusUpdatedEvent = S['StatusUpdatedEvent'];
export type OrderCompletedEvent = S['OrderCompletedEvent'];
export type OrderCancelledEvent = S['OrderCancelledEvent'];
export type LocationEvent = S['LocationEvent'];
export type LocationUpdate = S['LocationUpdate'];
export type InventoryUpdatedEvent = S['InventoryUpdatedEvent'];
export type StockLevel = S['StockLevel'];
