import { startTransition, useEffect, useState, type ReactNode } from 'react';

/**
 * Renders `children` one task after the rest of the screen: a long first render becomes
 * a few short tasks (the page stays responsive, a slow phone paints sooner). For content
 * below what is already drawn (it moves nothing when it appears) or of a fixed size
 * (`placeholder`).
 */
export function Defer({ children, placeholder = null }: { children: ReactNode; placeholder?: ReactNode }) {
  const [shown, setShown] = useState(false);
  useEffect(() => {
    if (shown) return;
    const timer = setTimeout(() => startTransition(() => setShown(true)), 0);
    return () => clearTimeout(timer);
  }, [shown]);
  return shown ? children : placeholder;
}
