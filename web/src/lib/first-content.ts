/**
 * "The first screen has its content": the catalog's first products, the tracked order.
 * What can wait until then — the live connection (socket.io), the app's config — starts
 * after that screen is painted, so it does not compete with it for the network and the
 * main thread on a slow phone. A page that never says so is not held up for long.
 */

let shown = false;
let resolveShown: () => void = () => undefined;
const firstContent = new Promise<void>((resolve) => {
  resolveShown = resolve;
});

/** The page shows its content: resolves `afterFirstContent()` once it is painted (idempotent). */
export function markFirstContent(): void {
  if (shown) return;
  shown = true;
  const done = () => setTimeout(resolveShown, 0);
  // After the next frame, i.e. once the content is on screen.
  if (typeof requestAnimationFrame === 'function' && typeof document !== 'undefined' && document.visibilityState === 'visible') {
    requestAnimationFrame(done);
  } else {
    done();
  }
}

/** Resolves once the first content is painted, or after `fallbackMs` at the latest. */
export function afterFirstContent(fallbackMs = 2500): Promise<void> {
  return Promise.race([firstContent, new Promise<void>((resolve) => setTimeout(resolve, fallbackMs))]);
}
