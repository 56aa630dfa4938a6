/**
 * The app, as main.tsx loads it: after React itself, in a task of its own (evaluating the
 * whole app's code at once would be one long task on a slow phone).
 */
export { App } from '@/app/app';
export { preloadRoute } from '@/app/router';
export { appTheme } from '@/app/theme';
