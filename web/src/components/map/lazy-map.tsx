/** The map, loaded on demand so Leaflet only ships with the pages that show one. */
import { lazy, startTransition, Suspense, useEffect, useState } from 'react';
import { Skeleton } from '@mui/material';
import { afterFirstContent } from '@/lib/first-content';
import type { LiveMapProps } from '@/components/map/live-map';

const LiveMap = lazy(() => import('@/components/map/live-map'));

export type { LiveMapProps, MapMarker } from '@/components/map/live-map';

/**
 * The map's place is kept (a skeleton of its height) from the first render; Leaflet and the
 * map itself come once the page's first content is on screen (see lib/first-content.ts):
 * the order, the code and the steps do not wait for them.
 */
export function LazyMap(props: LiveMapProps) {
  const [wanted, setWanted] = useState(false);
  useEffect(() => {
    let live = true;
    // A transition: the map's first render is long, in slices rather than one task.
    void afterFirstContent().then(() => live && startTransition(() => setWanted(true)));
    return () => {
      live = false;
    };
  }, []);
  const placeholder = <Skeleton variant="rounded" height={props.height ?? 320} aria-label="Loading map" />;
  return wanted ? (
    <Suspense fallback={placeholder}>
      <LiveMap {...props} />
    </Suspense>
  ) : (
    placeholder
  );
}
