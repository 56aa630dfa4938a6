/**
 * Integrations (API keys and webhooks): aliases of the generated `api.d.ts`
 * (docs/openapi.json), like `admin.ts`, and the admin-only socket payload the document
 * does not describe (docs/WEBSOCKET.md).
 */
import type { components } from '@/types/api';

type S = components['schemas'];

export type ApiKeyView = S['ApiKeyView'];
export type ApiKeyRequest = S['ApiKeyRequest'];
export type ApiKeysResponse = S['ApiKeysResponse'];
export type ApiKeyResponse = S['ApiKeyResponse'];
export type ApiKeyCreatedResponse = S['ApiKeyCreatedResponse'];

export type WebhookView = S['WebhookView'];
export type WebhookRequest = S['WebhookRequest'];
export type WebhookPatch = S['WebhookPatch'];
export type WebhooksResponse = S['WebhooksResponse'];
export type WebhookCreatedResponse = S['WebhookCreatedResponse'];
export type WebhookDeliveryView = S['WebhookDeliveryView'];
export type WebhookAttemptView = S['WebhookAttemptView'];
export type WebhookDeliveriesResponse = S['WebhookDeliveriesResponse'];
export type MessageResponse = S['MessageResponse'];

/** Admins: an endpoint whose every delivery failed for 3 days was switched off. */
export interface WebhookDisabledEvent {
  webhookId: string;
  url: string;
  reason: string;
}
