#!/usr/bin/env node
// What crosses the wire on the first load of the sign-in page and of the customer's
// catalog: index.html, the boot script, the entry and every chunk it imports, the page's
// own lazily loaded chunks (all their static imports too) and their CSS, each counted as
// the server sends it: the Brotli (`.br`) or gzip (`.gz`) file compress.mjs wrote beside
// it (the raw file where none was written). Fails when a page's JavaScript is over the
// budget (gzip), or when a page loads a chunk it does not use: Leaflet (the map) on the
// sign-in page or the catalog, or socket.io on the sign-in page.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BUDGET_KB = 250;
const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const manifest = JSON.parse(readFileSync(join(dist, '.vite/manifest.json'), 'utf8'));

/** The pages measured: the chunks each needs before it can show (router.tsx's lazy imports). */
const PAGES = [
  { name: '/login', roots: ['index.html', 'src/features/auth/components/login-page.tsx'], mustNotLoad: ['leaflet', 'socket.io'] },
  { name: '/ (catalog)', roots: ['index.html', 'src/features/customer/components/customer-app.tsx'], mustNotLoad: ['leaflet'] },
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
let failed = false;
const summary = [];
for (const page of PAGES) {
  const keys = new Set();
  page.roots.forEach((root) => collect(root, keys));
  const js = [...keys].map((k) => manifest[k].file);
  const css = [...new Set([...keys].flatMap((k) => manifest[k].css ?? []))];
  const other = ['index.html', ...(boot ? [`assets/${boot}`] : [])];
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
