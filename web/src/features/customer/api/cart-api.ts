import { apiClient } from '@/lib/api-client';
import type { CartLineRequest, CartValidateResponse } from '@/types/models';

/** The live inventory check: what the store can do for this cart right now. */
export function validateCart(items: CartLineRequest[]): Promise<CartValidateResponse> {
  return apiClient.post<CartValidateResponse>('/api/customer/cart/validate', { items });
}
