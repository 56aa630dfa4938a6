import { createElement, startTransition } from 'react';
import { createRoot } from 'react-dom/client';

/** The longest the first render waits for the page's own code and first answers. */
const READY_WAIT_MS = 1500;

const root = document.getElementById('root');
if (!root) throw new Error('#root is missing from index.html');

// The splash (index.html) stays until the page opened can render with its content: its
// code (which the boot script is fetching) and the boot script's first GETs. One render
// of the page, not "Checking your session…", then the page, then each answer in turn.
// Each piece of code runs in a task of its own: React (this file), the app (start.ts), the
// theme, the page's own code; so does each answer read.
const wait = new Promise((resolve) => setTimeout(resolve, READY_WAIT_MS));
void import('@/app/start').then(({ App, preloadRoute, appTheme }) => {
  const ready = Promise.all([
    preloadRoute(window.__qcRoute).catch(() => undefined),
    window.__qcEarlyReady,
    new Promise((resolve) => setTimeout(() => resolve(appTheme()), 0)),
  ]);
  void Promise.race([ready, wait]).then(() => {
    // A transition: React renders the first screen in slices, yielding to the browser
    // between them, instead of one long task.
    startTransition(() => createRoot(root).render(createElement(App)));
  });
});
