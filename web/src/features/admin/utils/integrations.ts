/**
 * What the Integrations page says about API keys and webhooks: the scopes and event types
 * one may choose, a webhook URL's problems in plain words (the form's own check and the
 * server's `url_not_allowed`), and a delivery's state and tries as people read them.
 */
import { ApiError } from '@/lib/api-client';
import { fieldSentence, splitFieldErrors, type SplitErrors } from '@/lib/field-errors';
import type { ApiKeyView, WebhookAttemptView, WebhookDeliveryView, WebhookView } from '@/types/integrations';

export interface ScopeOption {
  scope: string;
  label: string;
  hint: string;
}

/** The scopes a key may have (docs/INTEGRATIONS.md). */
export const API_SCOPES: readonly ScopeOption[] = [
  { scope: 'orders:read', label: 'Read orders', hint: 'The order feed: GET /api/integrations/orders' },
  { scope: 'stock:write', label: 'Change stock', hint: 'Set or adjust stock: PUT /api/integrations/stock' },
  { scope: 'catalog:write', label: 'Change the catalog', hint: 'Reserved for catalog changes' },
  { scope: 'webhooks:manage', label: 'Manage webhooks', hint: 'Reserved: webhooks are managed here for now' },
];

export interface EventGroup {
  label: string;
  events: readonly string[];
}

/** Every event type an endpoint may ask for, grouped as the docs list them. */
export const WEBHOOK_EVENT_GROUPS: readonly EventGroup[] = [
  {
    label: 'Orders',
    events: ['order.created', 'order.accepted', 'order.status_updated', 'order.delivered', 'order.cancelled', 'order.rated'],
  },
  {
    label: 'Dispatch and delivery codes',
    events: [
      'dispatch.offered',
      'dispatch.declined',
      'dispatch.expired',
      'dispatch.escalated',
      'order.unassigned',
      'order.reassigned',
      'order.code_locked',
      'order.code_reset',
    ],
  },
  {
    label: 'Picking and packing',
    events: [
      'order.picking_started',
      'order.line_picked',
      'order.line_short',
      'order.substitution_proposed',
      'order.substituted',
      'order.substitution_rejected',
      'order.packed',
    ],
  },
  { label: 'Stock', events: ['inventory.updated'] },
];

export const WEBHOOK_EVENTS: readonly string[] = WEBHOOK_EVENT_GROUPS.flatMap((g) => g.events);

/** A key as it starts (`qck_{prefix}_…`): enough to tell keys apart, never the secret. */
export function maskedKey(prefix: string): string {
  return `qck_${prefix}_…`;
}

export function isRevoked(key: Pick<ApiKeyView, 'revokedAt'>): boolean {
  return !!key.revokedAt;
}

/** Active keys first (newest first), then revoked ones (most recently revoked first). */
export function sortApiKeys<K extends Pick<ApiKeyView, 'revokedAt' | 'createdAt'>>(keys: readonly K[]): K[] {
  return [...keys].sort((a, b) => {
    if (!!a.revokedAt !== !!b.revokedAt) return a.revokedAt ? 1 : -1;
    const at = (k: K) => Date.parse(k.revokedAt ?? k.createdAt) || 0;
    return at(b) - at(a);
  });
}

/** What is wrong with a typed webhook URL before it is sent (null: nothing seen). */
export function webhookUrlProblem(raw: string): string | null {
  const text = raw.trim();
  if (!text) return 'Enter the address that should receive the events.';
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'Enter a full address, like https://erp.example.com/quickcommerce.';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'Use an address that starts with https:// (or http://).';
  if (!url.hostname) return 'Enter a full address, like https://erp.example.com/quickcommerce.';
  if (text.length > 2000) return 'This address is too long (2,000 characters at most).';
  return null;
}

/**
 * The server's `url_not_allowed` sentence ("This webhook URL is not allowed: its host name
 * does not resolve.") as what to do about it.
 */
export function urlRefusalWords(message: string): string {
  const why = message.replace(/^.*?not allowed:\s*/i, '').replace(/[.\s]+$/, '');
  if (/http or https/i.test(why)) return 'Use an address that starts with https:// (or http://).';
  if (/private|loopback|reserved/i.test(why)) {
    return 'This address leads into a private or local network (like localhost or 192.168.x.x), which webhooks may not reach. Use an address on the public internet.';
  }
  if (/resolve in time/i.test(why)) return 'Looking up this host name took too long. Check the address, or try again in a moment.';
  if (/resolve/i.test(why)) return 'No server by this host name could be found. Check the address for typos.';
  if (/no host|no port/i.test(why)) return 'Enter a full address, like https://erp.example.com/quickcommerce.';
  return why ? fieldSentence(`This address cannot be used: ${why}`) : 'This address cannot be used for a webhook.';
}

const WEBHOOK_FIELDS = ['url', 'events'] as const;
export type WebhookField = (typeof WEBHOOK_FIELDS)[number];

/** A refusal of a new webhook, shared out: URL problems under the URL, the rest above the form. */
export function splitWebhookError(error: unknown): SplitErrors<WebhookField> {
  if (error instanceof ApiError && error.code === 'url_not_allowed') return { fields: { url: urlRefusalWords(error.message) }, form: null };
  const split = splitFieldErrors(error, WEBHOOK_FIELDS);
  if (split.fields.url && /absolute url/i.test(split.fields.url)) {
    split.fields.url = 'Enter a full address, like https://erp.example.com/quickcommerce.';
  }
  if (split.fields.events) {
    split.fields.events = /at least one/i.test(split.fields.events) ? 'Choose at least one event type.' : split.fields.events;
  }
  return split;
}

export type Tone = 'success' | 'warning' | 'error' | 'default' | 'info';

/** A delivery's state: `pending` (being tried), `delivered`, `failed` (gave up after 24 hours). */
export function deliveryStatus(status: string): { label: string; tone: Tone } {
  switch (status) {
    case 'delivered':
      return { label: 'Delivered', tone: 'success' };
    case 'failed':
      return { label: 'Failed', tone: 'error' };
    case 'pending':
      return { label: 'Pending', tone: 'warning' };
    default:
      return { label: status.replace(/_/g, ' '), tone: 'default' };
  }
}

/** An endpoint's state in a few words. */
export function webhookState(hook: Pick<WebhookView, 'enabled' | 'failingSince' | 'disabledReason'>): { label: string; tone: Tone } {
  if (!hook.enabled) return { label: 'Off', tone: 'default' };
  if (hook.failingSince) return { label: 'Failing', tone: 'error' };
  return { label: 'On', tone: 'success' };
}

/** Why an endpoint is off, as a sentence ("Switched off: every delivery failed for 3 days."). */
export function disabledSentence(reason: string | null | undefined): string {
  const r = (reason ?? '').trim().replace(/[.\s]+$/, '');
  if (!r) return 'Switched off.';
  if (/^switched off/i.test(r)) return `${r.charAt(0).toUpperCase()}${r.slice(1)}.`;
  return `Switched off: ${r}.`;
}

/** The notice of `webhook:disabled`: "The webhook to https://… was switched off: every delivery failed for 3 days." */
export function disabledNotice(url: string, reason: string | null | undefined): string {
  const r = (reason ?? '').trim().replace(/[.\s]+$/, '');
  return r ? `The webhook to ${url} was switched off: ${r}.` : `The webhook to ${url} was switched off.`;
}

/** How one try went: "HTTP 500", "HTTP 200", or why it could not be sent. */
export function tryOutcome(t: Pick<WebhookAttemptView, 'statusCode' | 'error'>): { text: string; ok: boolean } {
  if (t.statusCode !== null && t.statusCode !== undefined) {
    return { text: `HTTP ${t.statusCode}`, ok: t.statusCode >= 200 && t.statusCode < 300 };
  }
  const error = (t.error ?? '').trim();
  if (!error) return { text: 'No answer', ok: false };
  return { text: `${error.charAt(0).toUpperCase()}${error.slice(1)}`, ok: false };
}

/** "7 ms", "1.2 s". */
export function formatLatency(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** When a pending delivery is tried next, from `now` (ms): "now", "in 4 s", "in 3 min", "in 2 h". */
export function nextTryIn(delivery: Pick<WebhookDeliveryView, 'status' | 'nextAttemptAt'>, now: number): string | null {
  if (delivery.status !== 'pending') return null;
  const at = Date.parse(delivery.nextAttemptAt);
  if (Number.isNaN(at)) return null;
  const s = Math.round((at - now) / 1000);
  if (s <= 1) return 'now';
  if (s < 90) return `in ${s} s`;
  if (s < 90 * 60) return `in ${Math.round(s / 60)} min`;
  return `in ${Math.round(s / 3600)} h`;
}

/** The start of an answer, for showing: at most `max` characters, trailing blank lines dropped. */
export function excerptPreview(excerpt: string | null | undefined, max = 500): string | null {
  const text = (excerpt ?? '').replace(/\s+$/, '');
  if (!text) return null;
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
