import { Suspense, useState, type ReactNode } from 'react';

/**
 * Mounts `children` the first time `open` is true, and keeps them after (so a dialog or a
 * drawer can play its closing). For parts not on the first screen whose code is loaded
 * lazily: the page does not fetch or run them until they are wanted.
 */
export function WhenOpened({ open, children }: { open: boolean; children: ReactNode }) {
  const [wanted, setWanted] = useState(false);
  if (open && !wanted) setWanted(true);
  return wanted ? <Suspense fallback={null}>{children}</Suspense> : null;
}
