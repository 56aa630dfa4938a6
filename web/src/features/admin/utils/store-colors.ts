/** One colour per store, the same on every admin map and card. */
const PALETTE = ['#0b7a3e', '#1565c0', '#6a1b9a', '#e65100', '#00838f', '#ad1457', '#5d4037', '#827717'];

export function storeColor(index: number): string {
  return PALETTE[((index % PALETTE.length) + PALETTE.length) % PALETTE.length];
}
