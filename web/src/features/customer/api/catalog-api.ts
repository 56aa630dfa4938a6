import { apiClient, type Query } from '@/lib/api-client';
import type { StoreScope } from '@/features/customer/utils/place';
import type { CategoriesResponse, ProductResponse, ProductsResponse, ServiceabilityResponse } from '@/types/models';

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

/** The catalog and stock of one store (`storeId`), or of the store serving an address or point. */
export type CatalogQuery = ProductQuery & StoreScope;

export const PRODUCTS_PATH = '/api/customer/products';
export const CATEGORIES_PATH = '/api/customer/categories';

/** The query string of a catalog page (as scripts/boot.js asks for the first one). */
export function productsQuery(query: CatalogQuery): Query {
  return { ...query, inStock: query.inStock ? true : undefined };
}

export function listProducts(query: CatalogQuery, signal?: AbortSignal): Promise<ProductsResponse> {
  return apiClient.get<ProductsResponse>(PRODUCTS_PATH, { query: productsQuery(query), signal });
}

export function listCategories(signal?: AbortSignal): Promise<CategoriesResponse> {
  return apiClient.get<CategoriesResponse>(CATEGORIES_PATH, { signal });
}

export function getProduct(id: string, scope: StoreScope, signal?: AbortSignal): Promise<ProductResponse> {
  return apiClient.get<ProductResponse>(`/api/customer/products/${encodeURIComponent(id)}`, { query: { ...scope }, signal });
}

/** Which store serves a saved address, a point or a PIN code, whether it can take an order now, and its promise. */
export function checkServiceability(
  query: { addressId: string } | { lat: number; lng: number } | { zipCode: string },
  signal?: AbortSignal,
): Promise<ServiceabilityResponse> {
  return apiClient.get<ServiceabilityResponse>('/api/customer/serviceability', { query: { ...query }, signal });
}
