#!/usr/bin/env node
// What crosses the wire on the first load of the sign-in page, the customer's catalog and
// a tracking page: index.html, the boot script, the entry and every chunk it imports or
// index.html preloads (the app's code, imported by main.tsx at once), the page's own chunks (those the boot script preloads for it: its lazily loaded modules and
// all their static imports) and their CSS, each counted as the server sends it: the Brotli
// (`.br`) or gzip (`.gz`) file compress.mjs wrote beside it (the raw file where none was
// written). Fails when a page's JavaScript is over the budget (gzip), or when a page loads a
// chunk it does not use on its first screen: Leaflet (the map) on the sign-in page, the
// catalog or before a tracking page's map, or socket.io on the sign-in page.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BUDGET_KB = 250;
const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const manifest = JSON.parse(readFileSync(join(dist, '.vite/manifest.json'), 'utf8'));

/** The pages measured, by the boot script's route key (vite.config.ts, scripts/boot.js). */
const PAGES = [
  { name: '/login', route: 'login', mustNotLoad: ['leaflet', 'socket.io'] },
  { name: '/ (catalog)', route: 'customer-catalog', mustNotLoad: ['leaflet'] },
  { name: '/orders/:id', route: 'customer-tracking', mustNotLoad: ['leaflet'] },
];

/** A chunk that is some library, recognised by a string only its code contains. */
const SIGNATURES = {
  leaflet: 'leaflet-container',
  'socket.io': 'engine.io',
};

const size = (file) => statSync(join(dist, file)).size;
const wire = (file, ext) => (existsSync(join(dist, `${file}.${ext}`)) ? size(`${file}.${ext}`) : size(file));
const kb = (bytes) => (bytes / 1024).toFixed(1);

function collect(key, seen) {
  if (seen.has(key)) return;
  const chunk = manifest[key];
  if (!chunk) throw new Error(`bundle-report: ${key} is not in the manifest`);
  seen.add(key);
  for (const dep of chunk.imports ?? []) collect(dep, seen);
}

const boot = readdirSync(join(dist, 'assets')).find((f) => /^boot-[\w-]+\.js$/.test(f));
if (!boot) throw new Error('bundle-report: no boot script in dist/assets');
const routes = JSON.parse(/var routes = (\{.*?\});\n/.exec(readFileSync(join(dist, 'assets', boot), 'utf8'))?.[1] ?? 'null');
if (!routes) throw new Error('bundle-report: no routes in the boot script');
const keyOfFile = new Map(Object.entries(manifest).map(([key, chunk]) => [chunk.file, key]));
const htmlPreloads = [...readFileSync(join(dist, 'index.html'), 'utf8').matchAll(/<link rel="modulepreload"[^>]*href="\/([^"]+)"/g)].map((m) => m[1]);
let failed = false;
const summary = [];
for (const page of PAGES) {
  const keys = new Set();
  collect('index.html', keys);
  // What index.html preloads besides (the app's code, which main.tsx imports at once).
  for (const file of htmlPreloads) collect(keyOfFile.get(file) ?? file, keys);
  if (!routes[page.route]) throw new Error(`bundle-report: the boot script has no route ${page.route}`);
  for (const file of routes[page.route]) collect(keyOfFile.get(file.slice(1)) ?? file, keys);
  const js = [...keys].map((k) => manifest[k].file);
  const css = [...new Set([...keys].flatMap((k) => manifest[k].css ?? []))];
  const other = ['index.html', `assets/${boot}`];
  const total = (files, ext) => files.reduce((sum, f) => sum + (ext ? wire(f, ext) : size(f)), 0);
  const row = {
    page: page.name,
    files: js.length + css.length + other.length,
    jsRaw: total(js),
    jsGzip: total(js, 'gz'),
    jsBrotli: total(js, 'br'),
    cssGzip: total(css, 'gz'),
    cssBrotli: total(css, 'br'),
    htmlBrotli: total(other, 'br'),
    htmlGzip: total(other, 'gz'),
  };
  summary.push(row);
  console.log(`${page.name}: ${js.length} JS + ${css.length} CSS files (brotli / gzip):`);
  for (const f of [...js].sort((a, b) => wire(b, 'br') - wire(a, 'br'))) {
    console.log(`  ${kb(wire(f, 'br')).padStart(6)} / ${kb(wire(f, 'gz')).padStart(6)} KB  ${f}`);
  }
  for (const f of css) console.log(`  ${kb(wire(f, 'br')).padStart(6)} / ${kb(wire(f, 'gz')).padStart(6)} KB  ${f}`);
  for (const lib of page.mustNotLoad) {
    const hit = js.find((f) => readFileSync(join(dist, f), 'utf8').includes(SIGNATURES[lib]));
    if (hit) {
      console.log(`  ✗ ${page.name} loads ${lib} (${hit}), which it does not use`);
      failed = true;
    }
  }
  if (row.jsGzip > BUDGET_KB * 1024) {
    console.log(`  ✗ ${page.name}: ${kb(row.jsGzip)} KB of JavaScript (gzip), over the ${BUDGET_KB} KB budget`);
    failed = true;
  }
}

const lazy = Object.values(manifest).filter((c) => c.isDynamicEntry);
console.log('Loaded later, when a page needs them (brotli / gzip):');
for (const c of lazy) console.log(`  ${kb(wire(c.file, 'br')).padStart(6)} / ${kb(wire(c.file, 'gz')).padStart(6)} KB  ${c.file}`);

console.log('\nOn the wire, first load (JS + CSS; with index.html and the boot script):');
for (const r of summary) {
  console.log(
    `  ${r.page.padEnd(12)} brotli ${kb(r.jsBrotli + r.cssBrotli)} KB (${kb(r.jsBrotli + r.cssBrotli + r.htmlBrotli)} KB)  ` +
      `gzip ${kb(r.jsGzip + r.cssGzip)} KB (${kb(r.jsGzip + r.cssGzip + r.htmlGzip)} KB)  ` +
      `uncompressed JS ${kb(r.jsRaw)} KB, ${r.files} files`,
  );
}
console.log(failed ? 'bundle report: FAILED' : `bundle report: OK (budget ${BUDGET_KB} KB of JavaScript a page, gzip)`);
if (failed) process.exit(1);
