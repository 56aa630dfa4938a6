import { describe, expect, it } from 'vitest';
import { ApiError } from '@/lib/api-client';
import {
  API_SCOPES,
  WEBHOOK_EVENTS,
  deliveryStatus,
  disabledNotice,
  disabledSentence,
  excerptPreview,
  formatLatency,
  maskedKey,
  nextTryIn,
  sortApiKeys,
  splitWebhookError,
  tryOutcome,
  urlRefusalWords,
  webhookState,
  webhookUrlProblem,
} from '@/features/admin/utils/integrations';

describe('scopes and event types', () => {
  it('offers the four scopes the server knows', () => {
    expect(API_SCOPES.map((s) => s.scope).sort()).toEqual(['catalog:write', 'orders:read', 'stock:write', 'webhooks:manage']);
  });

  it('offers every event type of docs/INTEGRATIONS.md, each once', () => {
    const documented = [
      'order.created', 'order.accepted', 'order.status_updated', 'order.delivered', 'order.cancelled', 'order.unassigned',
      'order.reassigned', 'order.code_locked', 'order.code_reset', 'order.picking_started', 'order.line_picked', 'order.line_short',
      'order.substitution_proposed', 'order.substituted', 'order.substitution_rejected', 'order.packed', 'order.rated', 'inventory.updated',
      'dispatch.offered', 'dispatch.declined', 'dispatch.expired', 'dispatch.escalated',
    ];
    expect([...WEBHOOK_EVENTS].sort()).toEqual([...documented].sort());
    expect(new Set(WEBHOOK_EVENTS).size).toBe(WEBHOOK_EVENTS.length);
  });
});

describe('API keys', () => {
  it('shows only the public part of a key', () => {
    expect(maskedKey('72ac3f10d4ed')).toBe('qck_72ac3f10d4ed_…');
  });

  it('lists active keys first, newest first, then revoked ones', () => {
    const keys = [
      { id: 'old', createdAt: '2026-11-01T00:00:00Z', revokedAt: null },
      { id: 'gone', createdAt: '2026-11-20T00:00:00Z', revokedAt: '2026-11-21T00:00:00Z' },
      { id: 'new', createdAt: '2026-11-10T00:00:00Z', revokedAt: null },
    ];
    expect(sortApiKeys(keys).map((k) => k.id)).toEqual(['new', 'old', 'gone']);
  });
});

describe('webhook URLs', () => {
  it('checks a typed URL before sending it', () => {
    expect(webhookUrlProblem('')).toMatch(/Enter the address/);
    expect(webhookUrlProblem('erp.example.com/hook')).toMatch(/full address/);
    expect(webhookUrlProblem('ftp://erp.example.com/hook')).toMatch(/https:\/\//);
    expect(webhookUrlProblem(' https://erp.example.com/hook ')).toBeNull();
    expect(webhookUrlProblem('http://127.0.0.1:8080/x')).toBeNull();
  });

  it("puts the server's url_not_allowed on the URL field, in plain words", () => {
    const refused = (why: string) => new ApiError(400, 'url_not_allowed', `This webhook URL is not allowed: ${why}.`);
    const privateNet = splitWebhookError(refused('it points to a private, loopback or reserved address'));
    expect(privateNet.form).toBeNull();
    expect(privateNet.fields.url).toMatch(/private or local network/);
    expect(splitWebhookError(refused('its host name does not resolve')).fields.url).toMatch(/could be found/);
    expect(splitWebhookError(refused('its host name does not resolve in time')).fields.url).toMatch(/too long/);
    expect(splitWebhookError(refused('use http or https')).fields.url).toMatch(/https:\/\//);
    expect(urlRefusalWords('This webhook URL is not allowed: something new.')).toBe('This address cannot be used: something new.');
    for (const words of Object.values(privateNet.fields)) expect(words).not.toMatch(/url_not_allowed|_/);
  });

  it('shares validation errors between the URL, the events and the form', () => {
    const invalid = new ApiError(400, 'validation_error', 'url: must be an absolute URL', [{ field: 'url', message: 'must be an absolute URL' }]);
    expect(splitWebhookError(invalid).fields.url).toMatch(/full address/);
    const noEvents = new ApiError(400, 'validation_error', 'events: give at least one event type', [{ field: 'events', message: 'give at least one event type' }]);
    expect(splitWebhookError(noEvents).fields.events).toBe('Choose at least one event type.');
    expect(splitWebhookError(new ApiError(0, 'network_error', 'x')).form).toMatch(/Cannot reach the server/);
  });
});

describe('endpoints and deliveries', () => {
  it('says what state an endpoint is in', () => {
    expect(webhookState({ enabled: true, failingSince: null, disabledReason: null })).toEqual({ label: 'On', tone: 'success' });
    expect(webhookState({ enabled: true, failingSince: '2026-11-30T00:00:00Z' }).label).toBe('Failing');
    expect(webhookState({ enabled: false, disabledReason: 'switched off by an admin' }).label).toBe('Off');
    expect(disabledSentence('switched off by an admin')).toBe('Switched off by an admin.');
    expect(disabledSentence('every delivery failed for 3 days')).toBe('Switched off: every delivery failed for 3 days.');
    expect(disabledSentence(null)).toBe('Switched off.');
    expect(disabledNotice('https://erp.example.com/h', 'every delivery failed for 3 days')).toBe(
      'The webhook to https://erp.example.com/h was switched off: every delivery failed for 3 days.',
    );
    expect(disabledNotice('https://erp.example.com/h', '')).toBe('The webhook to https://erp.example.com/h was switched off.');
  });

  it('names delivery states and tries', () => {
    expect(deliveryStatus('delivered')).toEqual({ label: 'Delivered', tone: 'success' });
    expect(deliveryStatus('pending').tone).toBe('warning');
    expect(deliveryStatus('failed').tone).toBe('error');
    expect(tryOutcome({ statusCode: 500, error: null })).toEqual({ text: 'HTTP 500', ok: false });
    expect(tryOutcome({ statusCode: 204 })).toEqual({ text: 'HTTP 204', ok: true });
    expect(tryOutcome({ statusCode: null, error: 'could not connect' })).toEqual({ text: 'Could not connect', ok: false });
    expect(formatLatency(7)).toBe('7 ms');
    expect(formatLatency(1234)).toBe('1.2 s');
  });

  it('says when a pending delivery is tried next', () => {
    const now = Date.parse('2026-11-30T09:00:00Z');
    const at = (s: number) => new Date(now + s * 1000).toISOString();
    expect(nextTryIn({ status: 'pending', nextAttemptAt: at(0) }, now)).toBe('now');
    expect(nextTryIn({ status: 'pending', nextAttemptAt: at(-30) }, now)).toBe('now');
    expect(nextTryIn({ status: 'pending', nextAttemptAt: at(40) }, now)).toBe('in 40 s');
    expect(nextTryIn({ status: 'pending', nextAttemptAt: at(600) }, now)).toBe('in 10 min');
    expect(nextTryIn({ status: 'pending', nextAttemptAt: at(7200) }, now)).toBe('in 2 h');
    expect(nextTryIn({ status: 'delivered', nextAttemptAt: at(40) }, now)).toBeNull();
  });

  it("shows the start of the receiver's answer", () => {
    expect(excerptPreview('ok\n\n')).toBe('ok');
    expect(excerptPreview('')).toBeNull();
    expect(excerptPreview(null)).toBeNull();
    expect(excerptPreview('x'.repeat(600), 500)).toBe(`${'x'.repeat(500)}…`);
  });
});
