import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, URL } from 'node:url';

/** The server the dev proxy talks to (`make serve-dev` listens on :5000). */
const backend = process.env.QC_DEV_BACKEND ?? 'http://localhost:5000';

/** The app's code (main.tsx imports it once React is in): every page needs it. */
const APP_START = 'src/app/start.ts';

/**
 * The lazily imported chunks a page needs first (see src/app/router.tsx and the role
 * apps), by the boot script's route key. `optional`: a page of an app that may move.
 */
const ROUTE_ENTRIES: Record<string, { sources: string[]; optional?: boolean }> = {
  login: { sources: ['src/features/auth/components/login-page.tsx'] },
  register: { sources: ['src/features/auth/components/register-page.tsx'] },
  customer: { sources: ['src/features/customer/components/customer-app.tsx'] },
  'customer-catalog': { sources: ['src/features/customer/components/customer-app.tsx', 'src/features/customer/components/catalog-page.tsx'] },
  'customer-product': { sources: ['src/features/customer/components/customer-app.tsx', 'src/features/customer/components/product-page.tsx'], optional: true },
  'customer-tracking': { sources: ['src/features/customer/components/customer-app.tsx', 'src/features/customer/components/tracking-page.tsx'], optional: true },
  'customer-orders': { sources: ['src/features/customer/components/customer-app.tsx', 'src/features/customer/components/orders-page.tsx'], optional: true },
  'customer-checkout': { sources: ['src/features/customer/components/customer-app.tsx', 'src/features/customer/components/checkout-page.tsx'], optional: true },
  'customer-profile': { sources: ['src/features/customer/components/customer-app.tsx', 'src/features/customer/components/profile-page.tsx'], optional: true },
  delivery: { sources: ['src/features/delivery/components/delivery-app.tsx'] },
  admin: { sources: ['src/features/admin/components/admin-app.tsx', 'src/components/scrolling-tabs.tsx'] },
  picker: { sources: ['src/features/picker/components/picker-app.tsx'], optional: true },
  'set-password': { sources: ['src/features/auth/components/set-password-page.tsx'], optional: true },
};

/**
 * The page's own chunk, fetched at once instead of after the entry ran.
 *
 * Without it the browser learns which lazily loaded chunk a page needs (the sign-in
 * page, the customer's app…) only once the whole entry is downloaded and executed: one
 * more round trip before anything shows. The build writes a tiny script (`async`, from
 * the app's own origin as the CSP wants: no inline script; its source is
 * scripts/boot.js) that reads the address and whether a session is stored, and adds
 * `<link rel="modulepreload">` for that route's chunk and every chunk it imports, and,
 * with a session, starts the page's first GETs (the session check; the customer's
 * addresses, the place's serviceability, the catalog's categories and first products, or
 * the tracked order), which src/lib/api-client.ts takes instead of asking again, so they
 * do not wait for the entry either.
 */
function routePreload(): Plugin {
  let outDir = 'dist';
  let script: { fileName: string; source: string } | null = null;
  return {
    name: 'qc-route-preload',
    apply: 'build',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    transformIndexHtml: {
      order: 'post',
      handler(html, ctx) {
        const bundle = ctx.bundle;
        if (!bundle) return html;
        const chunks = Object.values(bundle).filter((c) => c.type === 'chunk');
        const byFile = new Map(chunks.map((c) => [c.fileName, c]));
        const entry = chunks.find((c) => c.isEntry);
        // What index.html loads already.
        const initial = new Set<string>();
        const walk = (file: string, into: Set<string>) => {
          if (into.has(file)) return;
          into.add(file);
          for (const dep of byFile.get(file)?.imports ?? []) walk(dep, into);
        };
        if (entry) walk(entry.fileName, initial);
        // The app's code, which main.tsx imports at once: preloaded by index.html itself.
        const start = chunks.find((c) => c.facadeModuleId?.endsWith(APP_START)) ?? chunks.find((c) => c.moduleIds.some((id) => id.endsWith(APP_START)));
        if (!start) throw new Error(`route preload: no chunk for ${APP_START}`);
        const startFiles = new Set<string>();
        walk(start.fileName, startFiles);
        const appFiles = [...startFiles].filter((f) => !initial.has(f));
        appFiles.forEach((f) => initial.add(f));
        const routes: Record<string, string[]> = {};
        for (const [key, { sources, optional }] of Object.entries(ROUTE_ENTRIES)) {
          const files = new Set<string>();
          // The chunk a page's module is in (its own, or the group it was put in: see firstLoads).
          const found = sources.map((source) => chunks.find((c) => c.facadeModuleId?.endsWith(source)) ?? chunks.find((c) => c.moduleIds.some((id) => id.endsWith(source))));
          if (found.some((c) => !c)) {
            if (optional) continue;
            throw new Error(`route preload: no chunk for ${sources.join(', ')}`);
          }
          for (const chunk of found) walk(chunk!.fileName, files);
          routes[key] = [...files].filter((f) => !initial.has(f)).map((f) => `/${f}`);
        }
        const template = readFileSync(fileURLToPath(new URL('./scripts/boot.js', import.meta.url)), 'utf8');
        if (template.split('__ROUTES__').length !== 2) throw new Error('route preload: scripts/boot.js needs __ROUTES__ once');
        const source = template.replace('__ROUTES__', JSON.stringify(routes));
        // A syntax error here would only show in the browser's console: fail the build instead.
        new Function(source);
        const hash = createHash('sha256').update(source).digest('hex').slice(0, 10);
        script = { fileName: `assets/boot-${hash}.js`, source };
        // Module preloads at low priority: they never hold up the first paint (the splash
        // in index.html), which Lighthouse's simulation would otherwise assume on a fast
        // local network, where they finish before the first frame. Nothing else competes
        // with them on a first load.
        const lowPreloads = html.replace(/<link rel="modulepreload"(?![^>]*fetchpriority)/g, '<link rel="modulepreload" fetchpriority="low"');
        const appPreloads = appFiles.map((f) => `\n    <link rel="modulepreload" fetchpriority="low" crossorigin href="/${f}">`).join('');
        return lowPreloads.replace('</title>', `</title>\n    <script async src="/${script.fileName}"></script>${appPreloads}`);
      },
    },
    writeBundle() {
      if (!script) return;
      const path = join(outDir, script.fileName);
      mkdirSync(join(outDir, 'assets'), { recursive: true });
      writeFileSync(path, script.source);
    },
  };
}

/**
 * The chunks of the first loads that are measured (docs/BENCHMARKS.md): the sign-in page,
 * the shop's front page and a tracking page. Left to itself the bundler makes one chunk
 * per set of lazily loaded modules that share a piece of code: a first load then asks for
 * 20-40 small files, each a round trip on a slow network. Here each module those pages
 * need (beyond index.html's own) goes to one chunk per set of those pages needing it —
 * the sign-in page alone, the shop's shell and the catalog, the shell and the tracking
 * page, what they share (the app's code, `ui`) — so each loads the app's chunk and three
 * more at most, and none loads code it does not need. Everything else (other pages,
 * dialogs, maps) is split as the bundler does.
 */
const FIRST_LOADS: { name: string; roots: string[] }[] = [
  { name: 'auth', roots: [APP_START, 'src/features/auth/components/login-page.tsx'] },
  { name: 'catalog', roots: [APP_START, 'src/features/customer/components/customer-app.tsx', 'src/features/customer/components/catalog-page.tsx'] },
  { name: 'tracking', roots: [APP_START, 'src/features/customer/components/customer-app.tsx', 'src/features/customer/components/tracking-page.tsx'] },
];
/** Chunk names by the set of first loads (bit i: FIRST_LOADS[i]) that need a module. */
const FIRST_LOAD_CHUNKS: Record<number, string> = {
  1: 'auth',
  2: 'catalog',
  4: 'tracking',
  3: 'forms',
  5: 'forms-tracking',
  6: 'shop',
  7: 'ui',
};
const firstLoads = (() => {
  /** Static imports of every module (from the module graph, at the end of the build). */
  const graph = new Map<string, string[]>();
  /** The names each of our modules imports from MUI's index (`import { Box } from '@mui/material'`). */
  const muiNames = new Map<string, string[]>();
  /** What index.html loads (the bundler's own `$initial`, learnt as its group is made). */
  const initial = new Set<string>();
  let roots: string[][] = [];
  let need: Map<string, number> | null = null;

  /** Which first loads need each module, beyond index.html's own. */
  function compute(): Map<string, number> {
    const out = new Map<string, number>();
    roots.forEach((ids, i) => {
      const seen = new Set<string>();
      const stack = [...ids];
      while (stack.length) {
        const id = stack.pop()!;
        // What index.html loads brings its own imports: not followed (nor counted).
        if (seen.has(id) || initial.has(id)) continue;
        seen.add(id);
        out.set(id, (out.get(id) ?? 0) | (1 << i));
        stack.push(...(graph.get(id) ?? []));
      }
    });
    return out;
  }

  return {
    /** For the `$initial` group: remembers the module, which goes to index.html's chunk. */
    initialChunk: (id: string): string => {
      initial.add(id);
      need = null;
      return 'index';
    },
    chunkOf: (id: string): string | null => {
      need ??= compute();
      return FIRST_LOAD_CHUNKS[need.get(id) ?? 0] ?? null;
    },
    plugin: (): Plugin => ({
      name: 'qc-first-loads',
      apply: 'build',
      transform: {
        order: 'post',
        handler(code, id) {
          if (!id.includes('/src/') || id.includes('node_modules')) return null;
          const names: string[] = [];
          for (const m of code.matchAll(/import\s*\{([^}]*)\}\s*from\s*['"]@mui\/material['"]/g)) {
            for (const part of m[1].split(',')) {
              const name = part.trim().split(/\s+as\s+/)[0].trim();
              if (name && !name.startsWith('type ')) names.push(name);
            }
          }
          muiNames.set(id, names);
          return null;
        },
      },
      buildEnd() {
        graph.clear();
        initial.clear();
        need = null;
        const ids = [...this.getModuleIds()];
        const known = new Set(ids);
        const muiIndex = ids.find((id) => /[\\/]node_modules[\\/]@mui[\\/]material[\\/]index\.mjs$/.test(id));
        const muiDir = muiIndex?.slice(0, -'index.mjs'.length);
        // A component's classes module imports other components' index (for their class
        // names only): followed to their classes module, not to the components.
        const classesOf = new Map<string, string>();
        for (const id of ids) {
          const m = /^(.*[\\/]@mui[\\/]material[\\/][^\\/]+[\\/])[a-zA-Z]+Classes\.mjs$/.exec(id);
          if (m) classesOf.set(`${m[1]}index.mjs`, id);
        }
        const isClasses = (id: string) => /[\\/]@mui[\\/]material[\\/][^\\/]+[\\/][a-zA-Z]+Classes\.mjs$/.test(id);
        for (const id of ids) {
          const deps: string[] = [];
          for (const dep of this.getModuleInfo(id)?.importedIds ?? []) {
            if (isClasses(id) && classesOf.has(dep)) {
              deps.push(classesOf.get(dep)!);
              continue;
            }
            // MUI's index re-exports every component: through it, every page would seem to
            // need all of MUI. What our modules take from it is followed instead.
            if (dep !== muiIndex || !muiDir) {
              deps.push(dep);
              continue;
            }
            for (const name of muiNames.get(id) ?? []) {
              const own = `${muiDir}${name}/index.mjs`;
              deps.push(known.has(own) ? own : `${muiDir}styles/index.mjs`);
            }
          }
          graph.set(id, deps);
        }
        roots = FIRST_LOADS.map((load) =>
          load.roots.map((source) => {
            const id = ids.find((m) => m.endsWith(source));
            if (!id) throw new Error(`first loads: no module ${source}`);
            return id;
          }),
        );
      },
    }),
  };
})();

export default defineConfig({
  plugins: [react(), routePreload(), firstLoads.plugin()],
  resolve: {
    alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
  },
  server: {
    port: 5173,
    proxy: {
      '/api': { target: backend, changeOrigin: true },
      '/socket.io': { target: backend, changeOrigin: true, ws: true },
      '/health': { target: backend, changeOrigin: true },
      '/images': { target: backend, changeOrigin: true },
    },
  },
  build: {
    target: 'es2022',
    // The bundle report reads the manifest to find the chunks of the first load.
    manifest: true,
    sourcemap: false,
    chunkSizeWarningLimit: 600,
    rolldownOptions: {
      output: {
        codeSplitting: {
          // Pieces the measured first loads share are put by page together (see qcChunks).
          includeDependenciesRecursively: false,
          groups: [
            // Everything index.html loads, in one file (one round trip, not a dozen).
            { name: firstLoads.initialChunk, debugName: 'index', tags: ['$initial'], priority: 20 },
            { name: (id: string) => firstLoads.chunkOf(id), debugName: 'first-loads', priority: 10 },
          ],
        },
      },
    },
  },
});
