/** Why a partner declined an offer: the reasons the partner app offers, and their words for admins. */

/** Reasons a partner can pick when declining (sent as `reason`, shown to admins). */
export const DECLINE_REASONS: { code: string; label: string }[] = [
  { code: 'too_far', label: 'Too far for me' },
  { code: 'vehicle_issue', label: 'Vehicle problem' },
  { code: 'on_break', label: 'Taking a break' },
  { code: 'unsafe_area', label: 'Area feels unsafe' },
  { code: 'other', label: 'Something else' },
];

/** The words for a decline reason code (admins see the code's label; unknown codes as words). */
export function declineReasonLabel(code: string | null | undefined): string | null {
  if (!code) return null;
  const known = DECLINE_REASONS.find((r) => r.code === code);
  if (known) return known.label;
  const words = code.replace(/[_-]+/g, ' ').trim();
  return words ? words.charAt(0).toUpperCase() + words.slice(1) : null;
}

