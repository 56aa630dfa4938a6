#!/usr/bin/env node
// Prints the gzipped size of the JavaScript a browser loads for the login page and the
// customer's first page (the entry, the lazily loaded login and customer chunks, and all
// their static imports) and fails when it is over the budget.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BUDGET_KB = 250;
const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const manifest = JSON.parse(readFileSync(join(dist, '.vite/manifest.json'), 'utf8'));

const ROOTS = [
  'index.html',
  'src/features/auth/components/login-page.tsx',
  'src/features/customer/components/customer-app.tsx',
];

const seen = new Set();
function collect(key) {
  if (seen.has(key)) return;
  const chunk = manifest[key];
  if (!chunk) throw new Error(`bundle-report: ${key} is not in the manifest`);
  seen.add(key);
  for (const dep of chunk.imports ?? []) collect(dep);
}
ROOTS.forEach(collect);

const kb = (bytes) => (bytes / 1024).toFixed(1).padStart(7);
const gz = (file) => gzipSync(readFileSync(join(dist, file)), { level: 9 }).length;

let jsTotal = 0;
let cssTotal = 0;
const rows = [];
for (const key of seen) {
  const chunk = manifest[key];
  const size = gz(chunk.file);
  jsTotal += size;
  rows.push([chunk.file, size]);
  for (const css of chunk.css ?? []) cssTotal += gz(css);
}
rows.sort((a, b) => b[1] - a[1]);
console.log('Initial chunks of the login + customer path (gzip):');
for (const [file, size] of rows) console.log(`  ${kb(size)} KB  ${file}`);
const lazy = Object.values(manifest).filter((c) => c.isDynamicEntry && !rows.some(([f]) => f === c.file));
console.log('Loaded later (gzip):');
for (const c of lazy) console.log(`  ${kb(gz(c.file))} KB  ${c.file}`);
console.log(`Initial CSS: ${kb(cssTotal).trim()} KB gzipped`);
const verdict = jsTotal <= BUDGET_KB * 1024 ? 'OK' : 'OVER BUDGET';
console.log(`Initial JS (login + customer): ${kb(jsTotal).trim()} KB gzipped, budget ${BUDGET_KB} KB: ${verdict}`);
if (verdict !== 'OK') process.exit(1);
