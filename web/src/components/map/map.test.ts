import { afterEach, describe, expect, it, vi } from 'vitest';
import { glyphSvg, KIND_LABELS, kindSvg, pinHtml, safeAttr } from '@/components/map/marker-svg';
import { DEFAULT_TILES, isTileTemplate, loadTileSource, resetTileSource, tileSourceFrom } from '@/components/map/tile-config';
import { resetTileHealth, TileHealth, tileHealthOf, tileUrlFor, tileXY } from '@/components/map/tile-health';
import { legendKinds } from '@/components/map/map-legend';

describe('marker pictures', () => {
  it('are inline SVG, never emoji', () => {
    for (const kind of ['store', 'rider', 'destination', 'offline'] as const) {
      const html = pinHtml(kind, 'p1');
      expect(html).toContain('<svg');
      expect(html).toContain(`qc-pin-${kind}`);
      expect(html).toContain(`data-testid="marker-${kind}"`);
      expect(html).not.toMatch(/\p{Extended_Pictographic}/u);
      expect(kindSvg(kind)).toMatch(/^<svg [^>]*aria-hidden="true"/);
    }
    expect(glyphSvg('pin', 12)).toContain('width="12"');
  });

  it('keep ids and test ids safe inside attributes', () => {
    expect(safeAttr('a"><script>')).toBe('ascript');
    const html = pinHtml('rider', 'x" onload="boom', { testId: 'marker-pin' });
    expect(html).toContain('data-marker-id="xonloadboom"');
    expect(html).toContain('data-testid="marker-pin"');
  });

  it('have a legend word for every kind, listed once in a fixed order', () => {
    expect(Object.values(KIND_LABELS)).toEqual(['Store', 'Rider', 'Destination', 'Rider (offline)']);
    expect(legendKinds(['destination', 'rider', 'store', 'rider'])).toEqual(['store', 'rider', 'destination']);
    expect(legendKinds([])).toEqual([]);
  });
});

describe('tile source at run time', () => {
  afterEach(() => resetTileSource());

  it('takes the server’s URL and attribution', () => {
    const source = tileSourceFrom({
      success: true,
      config: { mapTileUrl: 'https://tiles.example.com/{z}/{x}/{y}.png', mapAttribution: '© Example' },
    });
    expect(source).toEqual({ url: 'https://tiles.example.com/{z}/{x}/{y}.png', attribution: '© Example', origin: 'server' });
    expect(tileSourceFrom({ success: true, config: { mapTileUrl: '/tiles/{z}/{x}/{y}.png' } }).url).toBe('/tiles/{z}/{x}/{y}.png');
  });

  it('falls back to the build’s default for anything unusable', () => {
    for (const payload of [
      null,
      'not json',
      { success: false, error: { code: 'not_found' } },
      { success: true },
      { success: true, config: { mapTileUrl: 'https://tiles.example.com/{z}/{x}.png' } },
      { success: true, config: { mapTileUrl: 'javascript:alert(1)//{z}{x}{y}' } },
      { success: true, config: { mapTileUrl: '//evil.example/{z}/{x}/{y}.png' } },
    ]) {
      expect(tileSourceFrom(payload)).toBe(DEFAULT_TILES);
    }
    expect(isTileTemplate('https://a.tile.example/{z}/{x}/{y}.png')).toBe(true);
  });

  it('asks the server once and falls back on a 404 or a network failure', async () => {
    const notFound = vi.fn(async () => new Response('{"success":false,"error":{"code":"not_found","message":"x"}}', { status: 404 }));
    expect(await loadTileSource(notFound as unknown as typeof fetch)).toBe(DEFAULT_TILES);
    expect(await loadTileSource(notFound as unknown as typeof fetch)).toBe(DEFAULT_TILES);
    expect(notFound).toHaveBeenCalledTimes(1);
    expect(notFound.mock.calls[0]).toEqual(['/api/config', { headers: { Accept: 'application/json' } }]);

    resetTileSource();
    const offline = vi.fn(async () => {
      throw new TypeError('Failed to fetch');
    });
    expect(await loadTileSource(offline as unknown as typeof fetch)).toBe(DEFAULT_TILES);

    resetTileSource();
    const server = vi.fn(
      async () =>
        new Response(JSON.stringify({ success: true, config: { mapTileUrl: 'https://t.example/{z}/{x}/{y}.png', mapAttribution: 'T' } }), {
          status: 200,
        }),
    );
    expect((await loadTileSource(server as unknown as typeof fetch)).origin).toBe('server');
  });
});

describe('tile health', () => {
  afterEach(() => resetTileHealth());

  it('gives up after the first few failures when nothing loaded', () => {
    const h = new TileHealth();
    expect(h.failedOne()).toBe('ok');
    expect(h.failedOne()).toBe('ok');
    expect(h.failedOne()).toBe('unavailable');
    // Stays given up: a late load does not bring it back.
    expect(h.loadedOne()).toBe('unavailable');
  });

  it('tolerates a few failures once tiles load, but not a long run of them', () => {
    const h = new TileHealth({ maxFailuresInARow: 4 });
    h.loadedOne();
    for (let i = 0; i < 3; i += 1) expect(h.failedOne()).toBe('ok');
    h.loadedOne();
    for (let i = 0; i < 3; i += 1) expect(h.failedOne()).toBe('ok');
    expect(h.failedOne()).toBe('unavailable');
  });

  it('is shared by every map of the same source', () => {
    expect(tileHealthOf('https://x/{z}/{x}/{y}.png')).toBe(tileHealthOf('https://x/{z}/{x}/{y}.png'));
    expect(tileHealthOf('https://y/{z}/{x}/{y}.png')).not.toBe(tileHealthOf('https://x/{z}/{x}/{y}.png'));
  });

  it('names the tile under a point', () => {
    // Bandra, Mumbai at zoom 14.
    expect(tileXY(19.0596, 72.8295, 14)).toEqual({ x: 11506, y: 7308, z: 14 });
    expect(tileXY(0, 0, 0)).toEqual({ x: 0, y: 0, z: 0 });
    expect(tileUrlFor('https://{s}.tile.example/{z}/{x}/{y}{r}.png', 19.0596, 72.8295, 14)).toBe('https://a.tile.example/14/11506/7308.png');
  });
});
