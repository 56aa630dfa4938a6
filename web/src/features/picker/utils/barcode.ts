/** Barcodes as pickers scan or type them: EAN/UPC digits, checked before a request is sent. */

/** What was scanned or typed, without spaces (scanners and people add them). */
export function normaliseBarcode(raw: string): string {
  return raw.replace(/\s+/g, '');
}

/** Whether `code` is an EAN-8, UPC-A (12) or EAN-13 with a correct check digit. */
export function isValidEan(code: string): boolean {
  if (!/^\d+$/.test(code) || ![8, 12, 13].includes(code.length)) return false;
  const digits = code.split('').map(Number);
  const check = digits.pop()!;
  // From the right (before the check digit): ×3, ×1, ×3, …
  const sum = digits.reverse().reduce((acc, d, i) => acc + d * (i % 2 === 0 ? 3 : 1), 0);
  return (10 - (sum % 10)) % 10 === check;
}

/**
 * Why a typed or scanned code cannot be right, in words, or null when it may be:
 * empty, or digits of a barcode length whose check digit is wrong (a typo).
 */
export function barcodeProblem(raw: string): string | null {
  const code = normaliseBarcode(raw);
  if (!code) return 'Scan or type the barcode.';
  if (/^\d+$/.test(code) && [8, 12, 13].includes(code.length) && !isValidEan(code)) {
    return 'That barcode has a typo: check the digits.';
  }
  return null;
}

/** Whether a scanned or typed code is the line's product (no expected code: cannot tell, so yes). */
export function barcodeMatches(expected: string | null | undefined, raw: string): boolean {
  if (!expected) return true;
  return normaliseBarcode(expected) === normaliseBarcode(raw);
}

/** The last digits of a barcode, to tell similar packs apart on the shelf ("…4821"). */
export function barcodeHint(code: string | null | undefined, digits = 4): string | null {
  if (!code) return null;
  const c = normaliseBarcode(code);
  return c.length > digits ? `…${c.slice(-digits)}` : c;
}
