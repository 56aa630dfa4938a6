/**
 * A QR code as one SVG path. The encoder (`uqr`, no dependencies) is loaded only when a
 * label is shown, so the picker's pages do not carry it until packing ends.
 */

/** One `M x y h1 v1 h-1 z` square per dark module, rows merged into runs. */
export function qrPath(modules: readonly (readonly boolean[])[]): string {
  const parts: string[] = [];
  modules.forEach((row, y) => {
    let x = 0;
    while (x < row.length) {
      if (!row[x]) {
        x += 1;
        continue;
      }
      const start = x;
      while (x < row.length && row[x]) x += 1;
      parts.push(`M${start} ${y}h${x - start}v1h-${x - start}z`);
    }
  });
  return parts.join('');
}

export interface QrShape {
  /** Modules per side (border included). */
  size: number;
  path: string;
}

/** Encode `text` (medium error correction, a quiet zone of 4 modules). */
export async function qrShape(text: string): Promise<QrShape> {
  const { encode } = await import('uqr');
  const qr = encode(text, { ecc: 'M', border: 4 });
  return { size: qr.size, path: qrPath(qr.data) };
}
