import { apiClient } from '@/lib/api-client';
import type { StoreScope } from '@/features/customer/utils/place';
import type { CartLineRequest, CartValidateResponse } from '@/types/models';

/** The live inventory check: what the store (of `scope`) can do for this cart right now. */
export function validateCart(items: CartLineRequest[], scope: StoreScope = {}): Promise<CartValidateResponse> {
  return apiClient.post<CartValidateResponse>('/api/customer/cart/validate', { items, ...scope });
}
