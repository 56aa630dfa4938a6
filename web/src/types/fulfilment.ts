/**
 * Dark-store fulfilment shapes (pickers, packing, substitutions, staff): aliases of the
 * generated `api.d.ts` (docs/openapi.json), like `models.ts`.
 */
import type { components } from '@/types/api';

type S = components['schemas'];

export type PickerOrderView = S['PickerOrderView'];
export type PickLineView = S['PickLineView'];
export type PickerQueueResponse = S['PickerQueueResponse'];
export type PickerOrderResponse = S['PickerOrderResponse'];
export type PickLineRequest = S['PickLineRequest'];
export type PackRequest = S['PackRequest'];
export type LinePickView = S['LinePickView'];
export type SubstituteView = S['SubstituteView'];
export type SubstitutionAnswer = S['SubstitutionAnswer'];
/** `GET /api/picker/orders/{id}/lines/{lineId}/substitutes`: same category, in stock, closest in price first. */
export type ProductsListResponse = S['ProductsListResponse'];

export type FulfilmentResponse = S['FulfilmentResponse'];
export type FulfilmentFiguresView = S['FulfilmentFiguresView'];
export type StaffView = S['StaffView'];
export type StaffRequest = S['StaffRequest'];
export type StaffListResponse = S['StaffListResponse'];
export type StaffCreatedResponse = S['StaffCreatedResponse'];
export type SetPasswordRequest = S['SetPasswordRequest'];
export type PublicConfigResponse = S['PublicConfigResponse'];

/* Socket.io payloads. */
export type FulfilmentUpdatedEvent = S['FulfilmentUpdatedEvent'];
export type OrderFulfilmentEvent = S['OrderFulfilmentEvent'];
export type SubstitutionProposedEvent = S['SubstitutionProposedEvent'];

/** `queued`, `picking`, `packed` or `cancelled` (absent: the store does not pick). */
export type Fulfilment = 'queued' | 'picking' | 'packed' | 'cancelled';
/** A line's pick state. */
export type PickState = 'pending' | 'picked' | 'short' | 'proposed' | 'substituted';
/** The customer's choice for a line the store runs short of. */
export type SubstitutionPref = 'best_match' | 'refund';
