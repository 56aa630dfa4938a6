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
export type ProductResponse = S['ProductResponse'];
export type CategoryView = S['CategoryView'];
export type CategoriesResponse = S['CategoriesResponse'];
export type CartLineRequest = S['CartLineRequest'];
export type CartLineCheck = S['CartLineCheck'];
export type CartValidateRequest = S['CartValidateRequest'];
export type CartValidateResponse = S['CartValidateResponse'];

/* Dark stores: which one serves a place, and what it promises. */
export type StoreRef = S['StoreRef'];
export type StorePublicView = S['StorePublicView'];
export type StoresResponse = S['StoresResponse'];
export type ServiceabilityResponse = S['ServiceabilityResponse'];
export type PromiseView = S['PromiseView'];
/** `open`, `busy` (its promise is over its maximum) or `closed` (outside its hours, or paused). */
export type StoreState = 'open' | 'busy' | 'closed';
/** Why a place cannot order now (`ServiceabilityResponse.reason`). */
export type ServiceReason = 'outside_service_area' | 'store_closed' | 'store_busy';

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
/** `POST /api/customer/orders/{orderId}/rating` (once, after delivery) and what it records. */
export type RatingRequest = S['RatingRequest'];
export type RatingView = S['RatingView'];
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
/** An order on offer, before a partner accepts it: no customer, no street, no items. */
export type OfferView = S['OfferView'];
export type OffersResponse = S['OffersResponse'];
export type DropoffArea = S['DropoffArea'];
export type ChangePasswordRequest = S['ChangePasswordRequest'];
/** `POST /api/auth/forgot-password`: a reset link by mail (the same answer whether or not the account exists). */
export type ForgotPasswordRequest = S['ForgotPasswordRequest'];
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
export type FleetPositionsEvent = S['FleetPositionsEvent'];
export type FleetPosition = S['FleetPosition'];
export type StockLevel = S['StockLevel'];

/*
 * The events below are documented in docs/WEBSOCKET.md but have no schema in the OpenAPI
 * document: they are composed from generated parts.
 */
/** `order:code-locked` → customer, partner, admins: 5 wrong delivery codes, support will reset it. */
export type CodeLockedEvent = Pick<StatusUpdatedEvent, 'orderId' | 'seq' | 'at'>;
/** `order:code-reset` → the customer with `confirmationCode`; the partner and admins without. */
export type CodeResetEvent = CodeLockedEvent & Partial<Pick<OrderView, 'confirmationCode'>>;
/** `order:rated` → the order's rider and admins: the customer's stars, tip (paise) and comment. */
export interface OrderRatedEvent {
  orderId: string;
  rating: number;
  tip: number;
  comment?: string | null;
  seq: number;
}
/** `session:ended` → a socket the server is about to close, and why. */
export type SessionEndedEvent = Pick<ErrorBody, 'code' | 'message'>;

/* Dispatch (auto mode): an order offered to one partner at a time. */
/** `order:offer` → the one partner an order is offered to; also `GET /api/delivery/offers`. */
export type OrderOfferEvent = S['OrderOfferEvent'];
export type OrderOffersResponse = S['OrderOffersResponse'];
export type DeclineRequest = S['DeclineRequest'];
export type PositionRequest = S['PositionRequest'];
export type PositionResponse = S['PositionResponse'];
/** `order:offer-expired` → the partner whose offer ended without their accept (no schema in the document). */
export interface OfferExpiredEvent {
  offerId: string;
  orderId: string;
  /** `expired` (not answered in time) or `withdrawn` (cancelled, or an admin assigned it). */
  reason: 'expired' | 'withdrawn' | string;
}
/** `partner:auto-paused` → a partner whose availability was turned off after ignored offers. */
export type AutoPausedEvent = SessionEndedEvent;
