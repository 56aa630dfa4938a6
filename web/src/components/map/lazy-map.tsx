/** The map, loaded on demand so Leaflet only ships with the pages that show one. */
import { lazy, Suspense } from 'react';
import { Skeleton } from '@mui/material';
import type { LiveMapProps } from '@/components/map/live-map';

const LiveMap = lazy(() => import('@/components/map/live-map'));

export type { LiveMapProps, MapMarker } from '@/components/map/live-map';

export function LazyMap(props: LiveMapProps) {
  return (
    <Suspense fallback={<Skeleton variant="rounded" height={props.height ?? 320} aria-label="Loading map" />}>
      <LiveMap {...props} />
    </Suspense>
  );
}
