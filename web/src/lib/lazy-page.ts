import { createElement, lazy, useState, type ComponentType } from 'react';

/** A lazily loaded page whose code can be fetched and run ahead (`preload`). */
export type LazyPage<P extends object, M> = ComponentType<P> & {
  /** Fetches and runs the page's module (once); resolves with it. */
  preload: () => Promise<M>;
};

/**
 * `React.lazy` that can be preloaded: a page whose module was run before it first renders
 * (main.tsx runs the opened page's own code before the app's first render) renders at
 * once, instead of suspending once more — a render of the whole screen saved. Otherwise it
 * behaves as `React.lazy` (the nearest `<Suspense>` shows meanwhile).
 */
export function lazyPage<P extends object, M extends { default: ComponentType<P> }>(load: () => Promise<M>): LazyPage<P, M> {
  let loaded: M | null = null;
  let pending: Promise<M> | null = null;
  const preload = () => {
    pending ??= load().then(
      (module) => {
        loaded = module;
        return module;
      },
      (err: unknown) => {
        pending = null;
        throw err;
      },
    );
    return pending;
  };
  const Lazy = lazy(preload);
  function Page(props: P) {
    // Decided once per mounted page: switching between the two would mount it again.
    const [direct] = useState(() => loaded?.default ?? null);
    return direct ? createElement(direct, props) : createElement(Lazy, props);
  }
  return Object.assign(Page, { preload });
}
