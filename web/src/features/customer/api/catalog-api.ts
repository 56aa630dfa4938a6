import { apiClient } from '@/lib/api-client';
import type { CategoriesResponse, ProductsResponse } from '@/types/models';

export type ProductSort = 'popular' | 'price_asc' | 'price_desc' | 'name' | 'newest';

export interface ProductQuery {
  search?: string;
  category?: string;
  inStock?: boolean;
  minPrice?: number;
  maxPrice?: number;
  sort?: ProductSort;
  page?: number;
  limit?: number;
}

export function listProducts(query: ProductQuery, signal?: AbortSignal): Promise<ProductsResponse> {
  return apiClient.get<ProductsResponse>('/api/customer/products', {
    query: { ...query, inStock: query.inStock ? true : undefined },
    signal,
  });
}

export function listCategories(signal?: AbortSignal): Promise<CategoriesResponse> {
  return apiClient.get<CategoriesResponse>('/api/customer/categories', { signal });
}
