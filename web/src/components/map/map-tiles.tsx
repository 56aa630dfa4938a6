/**
 * The map's background tiles, for every map of the app (inside a `MapContainer`).
 *
 * The source comes from the server at run time (tile-config.ts). Before a layer asks for
 * the dozens of tiles of a view, one tile is asked for alone (up to three tries): when
 * none loads (an offline machine, a tile server down) no layer is added, the map keeps
 * its plain background and says so quietly in its corner, instead of hundreds of failed
 * requests. A layer that stops loading later (the network went away) is removed the same
 * way. The verdict holds for the page's life, for every map (tile-health.ts).
 */
import { useEffect, useState } from 'react';
import { TileLayer, useMap } from 'react-leaflet';
import { loadTileSource, type TileSource } from '@/components/map/tile-config';
import { tileHealthOf, tileUrlFor, type TileHealth, type TileVerdict } from '@/components/map/tile-health';

const PROBE_TRIES = 3;
const PROBE_RETRY_MS = 1000;
const UNAVAILABLE_NOTE = 'Map background unavailable';

function loadImage(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const img = new Image();
    img.onload = () => resolve(true);
    img.onerror = () => resolve(false);
    img.src = url;
  });
}

/** Ask for one tile (again after a failure, up to PROBE_TRIES): whether the source answers at all. */
function probe(health: TileHealth, url: string): Promise<TileVerdict> {
  if (!health.probe) {
    health.probe = (async () => {
      for (let attempt = 0; attempt < PROBE_TRIES; attempt += 1) {
        if (attempt > 0) await new Promise((r) => setTimeout(r, PROBE_RETRY_MS));
        if (await loadImage(url)) return health.loadedOne();
        if (health.failedOne() === 'unavailable') return 'unavailable';
      }
      return health.state;
    })();
  }
  return health.probe;
}

export function MapTiles() {
  const map = useMap();
  const [source, setSource] = useState<TileSource | null>(null);
  const [verdict, setVerdict] = useState<TileVerdict | 'probing'>('probing');

  useEffect(() => {
    let live = true;
    void loadTileSource().then((s) => live && setSource(s));
    return () => {
      live = false;
    };
  }, []);

  useEffect(() => {
    if (!source) return;
    let live = true;
    const center = map.getCenter();
    const health = tileHealthOf(source.url);
    void probe(health, tileUrlFor(source.url, center.lat, center.lng, map.getZoom())).then((v) => live && setVerdict(v));
    return () => {
      live = false;
    };
  }, [map, source]);

  // A quiet word in the corner, and a hook for styles and tests.
  useEffect(() => {
    const container = map.getContainer();
    container.dataset.tiles = verdict;
    if (verdict !== 'unavailable') return;
    map.attributionControl?.addAttribution(UNAVAILABLE_NOTE);
    return () => {
      map.attributionControl?.removeAttribution(UNAVAILABLE_NOTE);
    };
  }, [map, verdict]);

  if (!source || verdict !== 'ok') return null;
  const health = tileHealthOf(source.url);
  return (
    <TileLayer
      url={source.url}
      attribution={source.attribution}
      eventHandlers={{
        tileload: () => health.loadedOne(),
        tileerror: () => {
          if (health.failedOne() === 'unavailable') setVerdict('unavailable');
        },
      }}
    />
  );
}
