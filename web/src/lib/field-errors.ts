/**
 * A form's errors in words, on the right field: the server's `validation_error` details
 * (`[{field: "zipCode", message: "must be 6 digits"}]`, or only its summary
 * "zipCode: must be 6 digits; lat: …" when details are missing) become plain sentences
 * under the fields the form shows ("Must be 6 digits."), and the rest one sentence for
 * the form ("PIN code must be 6 digits."), never a field key. Also the checks the
 * browser makes before sending (a malformed e-mail address).
 */
import { ApiError, errorMessage, fieldLabel } from '@/lib/api-client';

export interface FieldIssue {
  /** The server's key, e.g. `deliveryAddress.zipCode`. */
  field: string;
  message: string;
}

/** "zipCode: must be 6 digits; lat: must be between -90 and 90" → its parts (null when not that shape). */
export function parseValidationSummary(summary: string): FieldIssue[] | null {
  const parts = summary.split(/;\s*/).map((p) => p.trim()).filter(Boolean);
  if (!parts.length) return null;
  const out: FieldIssue[] = [];
  for (const part of parts) {
    const m = /^([A-Za-z_][\w.[\]]*):\s*(.+)$/.exec(part);
    if (!m) return null;
    out.push({ field: m[1], message: m[2] });
  }
  return out;
}

/** The field problems of a refusal: its details, else its summary; none for other errors. */
export function fieldIssues(error: unknown): FieldIssue[] {
  if (!(error instanceof ApiError) || error.code !== 'validation_error') return [];
  if (Array.isArray(error.details)) {
    return (error.details as { field?: unknown; message?: unknown }[])
      .filter((d) => d && typeof d.message === 'string' && d.message.trim() !== '')
      .map((d) => ({ field: typeof d.field === 'string' ? d.field : '', message: String(d.message).trim() }));
  }
  return parseValidationSummary(error.message ?? '') ?? [];
}

/** Server wordings that read better as what to do. */
const REWRITES: [RegExp, string][] = [
  [/^must be a valid e-?mail address$/i, 'Enter a valid e-mail address'],
  [/^is required$/i, 'This field is required'],
  [/^must not be empty$/i, 'This field is required'],
];

/** A message for under its field: "must be 6 digits" → "Must be 6 digits." */
export function fieldSentence(message: string): string {
  let text = message.trim().replace(/[.\s]+$/, '');
  for (const [pattern, words] of REWRITES) if (pattern.test(text)) text = words;
  return text ? `${text.charAt(0).toUpperCase()}${text.slice(1)}.` : '';
}

/** A message for the whole form, naming the field in words: "PIN code must be 6 digits." */
export function formSentence(issue: FieldIssue): string {
  const text = issue.message.trim().replace(/[.\s]+$/, '');
  if (!issue.field) return fieldSentence(text);
  for (const [pattern, words] of REWRITES) if (pattern.test(text)) return `${fieldLabel(issue.field)}: ${words.charAt(0).toLowerCase()}${words.slice(1)}.`;
  return `${fieldLabel(issue.field)} ${text}.`;
}

/** The last segment of a key (`deliveryAddress.zipCode` → `zipCode`). */
function shortKey(field: string): string {
  return field.split('.').pop() ?? field;
}

export interface SplitErrors<F extends string> {
  /** A sentence per field the form shows. */
  fields: Partial<Record<F, string>>;
  /** What no shown field carries, for an alert above the form; null when nothing is left. */
  form: string | null;
}

/**
 * Share an error out between the form's fields (`fields`: the keys it shows, matched in
 * full or by their last segment) and the form itself. Any error that is not about
 * fields goes to the form, in words (`errorMessage`).
 */
export function splitFieldErrors<F extends string>(error: unknown, fields: readonly F[]): SplitErrors<F> {
  if (error === null || error === undefined) return { fields: {}, form: null };
  const issues = fieldIssues(error);
  if (!issues.length) return { fields: {}, form: errorMessage(error) };
  const out: Partial<Record<F, string>> = {};
  const rest: string[] = [];
  for (const issue of issues) {
    const match = fields.find((f) => f === issue.field || f === shortKey(issue.field));
    if (match && !out[match]) out[match] = fieldSentence(issue.message);
    else if (!match) rest.push(formSentence(issue));
  }
  return { fields: out, form: rest.length ? rest.join(' ') : null };
}

/**
 * Whether an e-mail address is well formed, by the server's own rule (an `@`, a dotted
 * domain of letters, digits and hyphens, no spaces): checked before sending, so a typo
 * is not answered as a wrong password.
 */
export function isValidEmail(raw: string): boolean {
  const s = raw.trim().toLowerCase();
  if (!s || s.length > 254) return false;
  const at = s.indexOf('@');
  if (at < 0) return false;
  const local = s.slice(0, at);
  const domain = s.slice(at + 1);
  const domainOk =
    domain.includes('.') && !domain.startsWith('.') && !domain.endsWith('.') && !domain.includes('..') && /^[a-z0-9.-]+$/.test(domain);
  const localOk = local.length > 0 && local.length <= 64 && !/[\s@\p{Cc}]/u.test(local);
  return domainOk && localOk;
}

export const INVALID_EMAIL = 'Enter a valid e-mail address.';
