/** The server's password rules (qc_domain::Password), checked before sending. */

/** Why a new password would be refused, in words; null when it passes. */
export function passwordProblem(password: string): string | null {
  const n = [...password].length;
  if (n < 8) return 'Use at least 8 characters.';
  if (n > 128) return 'Use at most 128 characters.';
  const letter = /\p{L}/u.test(password);
  const other = /[^\p{L}]/u.test(password);
  if (!letter || !other) return 'Use a letter and a digit or symbol.';
  return null;
}

/** The one-time token of a set-password link (`?token=…`), trimmed; null when absent. */
export function linkToken(search: string): string | null {
  const token = new URLSearchParams(search).get('token')?.trim();
  return token ? token : null;
}
