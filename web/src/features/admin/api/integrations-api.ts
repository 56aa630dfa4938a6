/** API keys and webhooks (docs/INTEGRATIONS.md): what the admin's Integrations page calls. */
import { apiClient } from '@/lib/api-client';
import type {
  ApiKeyCreatedResponse,
  ApiKeyRequest,
  ApiKeyResponse,
  ApiKeysResponse,
  MessageResponse,
  WebhookCreatedResponse,
  WebhookDeliveriesResponse,
  WebhookRequest,
  WebhooksResponse,
  WebhookView,
} from '@/types/integrations';

const base = '/api/admin';
const enc = encodeURIComponent;

export const integrationsApi = {
  /** Keys with their scopes, store and last use (never a secret). */
  apiKeys: (signal?: AbortSignal) => apiClient.get<ApiKeysResponse>(`${base}/api-keys`, { signal }),
  /** The answer carries the key's secret (`qck_…`), this once. */
  createApiKey: (body: ApiKeyRequest) => apiClient.post<ApiKeyCreatedResponse>(`${base}/api-keys`, body),
  /** The key stops working at once. */
  revokeApiKey: (keyId: string) => apiClient.delete<ApiKeyResponse>(`${base}/api-keys/${enc(keyId)}`),

  webhooks: (signal?: AbortSignal) => apiClient.get<WebhooksResponse>(`${base}/webhooks`, { signal }),
  /** The answer carries the endpoint's signing secret (`whsec_…`), this once. */
  createWebhook: (body: WebhookRequest) => apiClient.post<WebhookCreatedResponse>(`${base}/webhooks`, body),
  /** Switch an endpoint on (its failure clock starts again) or off: the endpoint as it is now. */
  setWebhookEnabled: async (id: string, enabled: boolean): Promise<WebhookView> =>
    (await apiClient.put<{ success: boolean; webhook: WebhookView }>(`${base}/webhooks/${enc(id)}`, { enabled })).webhook,
  /** Removes the endpoint and its delivery log. */
  deleteWebhook: (id: string) => apiClient.delete<MessageResponse>(`${base}/webhooks/${enc(id)}`),
  /** The endpoint's newest deliveries, each with its tries. */
  deliveries: (id: string, signal?: AbortSignal) =>
    apiClient.get<WebhookDeliveriesResponse>(`${base}/webhooks/${enc(id)}/deliveries`, { signal }),
  /** Send a delivery again now (same `webhook-id`). */
  replayDelivery: (deliveryId: string) =>
    apiClient.post<MessageResponse>(`${base}/webhook-deliveries/${enc(deliveryId)}/replay`),
};
