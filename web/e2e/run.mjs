#!/usr/bin/env node
// End-to-end run of the web app against the real server binary.
//
// Starts `quickcommerce serve --demo` on a free port with a fresh temporary database,
// serving web/dist (built first unless E2E_SKIP_BUILD=1), and drives Debian's Chromium
// with playwright-core. The demo stores dispatch automatically (one rider at a time), so
// the main flow first switches Bandra West (BDW, the store of riders 1 and 2 and of HOME)
// to broadcast in the admin's store dialog: a customer orders, two partners (whose
// positions reach dispatch from the browser's geolocation) race to accept an offer that
// names no customer (exactly one wins), the customer follows the rider live (moving in
// plausible steps: the server refuses GPS jumps), five wrong codes lock the delivery
// until an admin resets the code, the partner delivers with the new code, and an admin's
// dashboard and orders table follow along without a reload. Then the customer path again
// on a phone-sized screen (an address out of the delivery area is refused, a password
// change keeps the session), the admin's partners, users and catalog pages, then auto
// dispatch: BDW back to auto in the store dialog, rider 2 ~40 m and rider 1 ~380 m from
// the store; a customer orders, only rider 2 gets the offer card (countdown; phone size),
// the admin's dispatch board shows who holds it, rider 2 declines with a reason, rider 1
// gets round 2 and accepts, the admin reads the offer history in the order drawer and
// sees idle riders by name on the partners map; an order assigned from the dispatch board
// tells the rider holding its offer it was withdrawn; Ravi takes a second order and his
// route lists both pickups, then the drops. Then a blocked customer is sent to sign in
// and finds the cart again, a tab closed for too many sockets, a new partner who picks a
// home store, waits for verification, goes online once verified, and is then blocked.
// Last the dark stores: a phone customer shops in Bandra and moves to the Andheri address
// (Andheri West's name, promise and stock, the cart re-checked, kept and the change
// explained); an admin pauses Andheri West (ADW) on the Stores page and the customer sees
// it closed, then open again once resumed.
//
// Only Bandra and Andheri West (open 24 h) are used, so the run passes at any hour.
//
// Env: QC_BIN (default ../target/debug/quickcommerce from web/), CHROMIUM_PATH
// (default /usr/bin/chromium), E2E_SKIP_BUILD=1, E2E_HEADFUL=1.
// Prints `N passed, M failed` last and exits non-zero on any failure.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, createWriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const WEB = dirname(dirname(fileURLToPath(import.meta.url)));
const BIN = resolve(WEB, process.env.QC_BIN ?? '../target/debug/quickcommerce');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = join(WEB, 'e2e', 'artifacts');
const WAIT = 15_000;
const STORE = { latitude: 19.0596, longitude: 72.8295 };
/** Inside Bandra West's zone (BDW, the store of riders 1 and 2). */
const HOME = { lat: 19.072, lng: 72.851 };
/** North of every zone: no store serves it. */
const FAR = { lat: 19.3, lng: 72.85, zip: '401105' };
/** Vile Parle: the gap between the Bandra and Andheri West zones. */
const GAP = { latitude: 19.09, longitude: 72.84 };
/** How long a customer's screen may take to see a store change (it checks every 20 s). */
const SERVICE_WAIT = 30_000;
/** One degree of latitude in metres (for GPS steps the server finds plausible). */
const M_PER_DEG_LAT = 111_195;
/** Sockets one user may hold on the e2e server (the default is 10): the oldest is closed. */
const MAX_SOCKETS = 4;

// ---------------------------------------------------------------- tiny test runner

const results = [];
let skipRest = false;

async function step(name, fn) {
  if (skipRest) {
    results.push({ name, status: 'skipped' });
    console.log(`  - ${name} (skipped: an earlier step failed)`);
    return;
  }
  const started = Date.now();
  try {
    await fn();
    results.push({ name, status: 'passed' });
    console.log(`  ✓ ${name} (${Date.now() - started} ms)`);
  } catch (err) {
    results.push({ name, status: 'failed', error: err });
    console.log(`  ✗ ${name}\n      ${String(err?.message ?? err).split('\n').slice(0, 6).join('\n      ')}`);
    await snapshotAll(`failure-${results.length}`);
    skipRest = true; // The steps after this one depend on it.
  }
}

/** A group of dependent steps: after a failure the rest of the group is skipped. */
async function scenario(title, fn) {
  console.log(`\n${title}`);
  skipRest = false;
  await fn();
  skipRest = false;
}

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

// ---------------------------------------------------------------- helpers

function freePort() {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolvePort(port));
    });
  });
}

async function waitForHealth(base, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with code ${child.exitCode}`);
    try {
      const res = await fetch(`${base}/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`server did not answer /health within ${timeoutMs} ms`);
}

const pages = new Map();
async function snapshotAll(prefix) {
  for (const [name, page] of pages) {
    if (page.isClosed()) continue;
    await page.screenshot({ path: join(ARTIFACTS, `${prefix}-${name}.png`), fullPage: true }).catch(() => undefined);
  }
}

async function shot(page, name) {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

const byTest = (id) => `[data-testid="${id}"]`;

/** Wait until `fn(arg)` is truthy in the page (bounded). */
function until(page, fn, arg, timeout = WAIT) {
  return page.waitForFunction(fn, arg, { timeout, polling: 100 });
}

async function text(page, testId) {
  return (await page.getByTestId(testId).first().innerText()).trim();
}

async function login(page, base, demoButton, expectPath) {
  await page.goto(`${base}/login`);
  await page.getByTestId('demo-accounts').waitFor({ timeout: WAIT });
  await page.getByTestId(demoButton).click();
  await page.getByTestId('login-submit').click();
  await page.waitForURL((url) => url.pathname === expectPath, { timeout: WAIT });
  await until(page, () => document.querySelector('[data-testid="connection-state"]')?.getAttribute('data-state') === 'connected');
}

async function newContext(browser, base, options = {}) {
  const context = await browser.newContext({ baseURL: base, viewport: { width: 1280, height: 900 }, ...options });
  // The network is closed: refuse anything that is not our server (map tiles included),
  // so the page never waits on it. Markers must still draw.
  await context.route((url) => url.origin !== base, (route) => route.abort());
  return context;
}

function watchConsole(page, name, sink) {
  page.on('pageerror', (err) => sink.push(`[${name}] pageerror: ${err.message}`));
  page.on('console', (msg) => {
    // 422 is the refused out-of-area address the phone scenario provokes on purpose.
    if (msg.type() === 'error' && !/tile|ERR_FAILED|net::|status of 422/i.test(msg.text())) sink.push(`[${name}] console: ${msg.text()}`);
  });
}

async function addAddressAndPlaceOrder(page, street, { tryFarFirst = false } = {}) {
  await page.getByTestId('cart-button').click();
  await page.getByTestId('order-summary').first().waitFor({ timeout: WAIT });
  await page.getByTestId('cart-checkout').click();
  await page.waitForURL('**/checkout', { timeout: WAIT });
  await page.getByTestId('address-picker').waitFor({ timeout: WAIT });
  await page.getByTestId('address-add').click();
  const form = page.getByTestId('address-form');
  await form.waitFor({ timeout: WAIT });
  await page.getByTestId('address-street').fill(street);
  await page.getByTestId('address-zip').fill('400050');
  if (tryFarFirst) {
    // Outside the delivery area (and a PIN code no store lists: a listed one is served
    // wherever the pin is): refused in the dialog, in words, not as a generic error.
    await page.getByTestId('address-zip').fill(FAR.zip);
    await page.getByTestId('address-lat').fill(String(FAR.lat));
    await page.getByTestId('address-lng').fill(String(FAR.lng));
    await page.getByTestId('address-save').click();
    const refusal = page.getByTestId('address-not-serviceable');
    await refusal.waitFor({ timeout: WAIT });
    const words = await refusal.innerText();
    assert(/don't deliver/i.test(words) && !/not_serviceable/.test(words), `unexpected refusal: "${words}"`);
    await shot(page, 'phone-address-not-serviceable');
  }
  await page.getByTestId('address-zip').fill('400050');
  await page.getByTestId('address-lat').fill(String(HOME.lat));
  await page.getByTestId('address-lng').fill(String(HOME.lng));
  await page.getByTestId('address-save').click();
  await form.waitFor({ state: 'detached', timeout: WAIT });
  await page.locator(`${byTest('address-option')} input[type=radio]:checked`).waitFor({ timeout: WAIT });
  await page.getByTestId('summary-total').last().waitFor({ timeout: WAIT });
  // A long address line must not widen the page (on a phone it zooms out and taps land wrong).
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert(overflow <= 1, `checkout is ${overflow}px wider than the screen`);
  const placeOrder = page.getByTestId('place-order');
  await until(page, () => !document.querySelector('[data-testid="place-order"]')?.hasAttribute('disabled'));
  await placeOrder.click();
  await page.waitForURL(/\/orders\/[^/]+$/, { timeout: WAIT });
  await page.getByTestId('tracking-page').waitFor({ timeout: WAIT });
  return page.getByTestId('tracking-page').getAttribute('data-order-id');
}

async function searchAndAdd(page, term) {
  await page.getByTestId('catalog-search').fill(term);
  // The grid says which search its products answer.
  await until(
    page,
    (t) =>
      document.querySelector('[data-testid="product-grid"]')?.getAttribute('data-loaded-search') === t &&
      document.querySelectorAll('[data-testid="product-card"]').length > 0,
    term,
  );
  // The first product with a few in stock.
  const productId = await page.evaluate(() => {
    const cards = [...document.querySelectorAll('[data-testid="product-card"]')];
    const card = cards.find((c) => Number(c.getAttribute('data-stock')) >= 5 && c.querySelector('[data-testid="add-to-cart"]:not([disabled])'));
    return card?.getAttribute('data-product-id') ?? null;
  });
  assert(productId, `no product with stock found for "${term}"`);
  const target = page.locator(`${byTest('product-card')}[data-product-id="${productId}"]`);
  await target.getByTestId('add-to-cart').click();
  await target.getByTestId('qty-increase').click();
  await until(page, () => document.querySelector('[data-testid="cart-count"] .MuiBadge-badge')?.textContent === '2');
  return productId;
}

/** Choose a store (by code) in one of the admin's store selects. */
async function pickStore(page, testId, code) {
  await page.getByTestId(testId).click();
  await page.locator(`[role="option"][data-store-code="${code}"]`).click();
  await page.locator('[role="listbox"]').waitFor({ state: 'detached', timeout: WAIT });
}

/** The store the customer's location bar names, and its state. */
async function locationBar(page) {
  const bar = page.getByTestId('location-bar');
  return {
    code: await bar.getAttribute('data-store-code'),
    tone: await bar.getAttribute('data-tone'),
    minutes: await bar.getAttribute('data-minutes'),
    text: (await bar.innerText()).replace(/\s+/g, ' ').trim(),
  };
}

function untilBar(page, code, tone, timeout = WAIT) {
  return until(
    page,
    ([c, t]) => {
      const bar = document.querySelector('[data-testid="location-bar"]');
      return bar?.getAttribute('data-store-code') === c && bar?.getAttribute('data-tone') === t;
    },
    [code, tone],
    timeout,
  );
}

/** Switch a store's dispatch mode in the admin's store dialog (Stores page), and check it on the Dispatch page. */
async function setDispatchMode(page, base, code, mode) {
  await page.goto(`${base}/admin/stores`);
  const card = page.locator(`${byTest('store-card')}[data-store-code="${code}"]`);
  await card.waitFor({ timeout: WAIT });
  await card.getByTestId('store-edit').click();
  await page.getByTestId('store-dispatch-toggle').click();
  await page.getByTestId(`dispatch-mode-${mode}`).click();
  await until(page, (m) => document.querySelector(`[data-testid="dispatch-mode-${m}"]`)?.getAttribute('aria-pressed') === 'true', mode);
  await shot(page, `admin-store-dispatch-${mode}`);
  await page.getByTestId('store-save').click();
  await page.getByTestId('store-save').waitFor({ state: 'detached', timeout: WAIT });
  const storeId = await card.getAttribute('data-store-id');
  await page.goto(`${base}/admin/dispatch?store=${storeId}`);
  await until(page, (m) => document.querySelector('[data-testid="dispatch-mode"]')?.getAttribute('data-mode') === m, mode);
  return storeId;
}

/** Wait until a partner's screen has sent its idle position successfully after `since` (ms). */
function untilPositionSent(page, since, timeout = 45_000) {
  return until(
    page,
    (t) => {
      const el = document.querySelector('[data-testid="idle-position"]');
      return el && Number(el.getAttribute('data-sent') || 0) > t;
    },
    since,
    timeout,
  );
}

// ---------------------------------------------------------------- main

async function main() {
  mkdirSync(ARTIFACTS, { recursive: true });
  if (!existsSync(BIN)) throw new Error(`server binary not found: ${BIN} (set QC_BIN)`);
  if (!existsSync(CHROMIUM)) {
    console.log(`${CHROMIUM} missing: installing Debian's chromium`);
    spawnSync('sh', ['-c', 'apt-get update -qq && apt-get install -y -qq chromium'], { stdio: 'inherit' });
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM} (set CHROMIUM_PATH)`);
  }
  if (process.env.E2E_SKIP_BUILD !== '1' || !existsSync(join(WEB, 'dist/index.html'))) {
    console.log('building web/dist…');
    const build = spawnSync('npm', ['run', 'build'], { cwd: WEB, stdio: ['ignore', 'ignore', 'inherit'] });
    if (build.status !== 0) throw new Error('npm run build failed');
  }

  const port = await freePort();
  const base = `http://localhost:${port}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'qc-e2e-'));
  const serverLog = createWriteStream(join(ARTIFACTS, 'server.log'));
  const server = spawn(BIN, ['serve', '--demo'], {
    cwd: dataDir,
    env: {
      ...process.env,
      PORT: String(port),
      DATABASE_URL: `sqlite://${join(dataDir, 'qc.db')}`,
      QC_DATA_DIR: dataDir,
      QC_WEB_DIR: join(WEB, 'dist'),
      QC_MAX_SOCKETS_PER_USER: String(MAX_SOCKETS),
      APP_ENV: 'development',
      RUST_LOG: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server.stdout.pipe(serverLog);
  server.stderr.pipe(serverLog);

  const problems = [];
  let browser;
  try {
    await waitForHealth(base, server, 30_000);
    console.log(`server ${BIN} on ${base}`);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: process.env.E2E_HEADFUL !== '1',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    await runScenarios(browser, base, problems);
  } finally {
    await browser?.close().catch(() => undefined);
    server.kill('SIGTERM');
    await new Promise((r) => (server.exitCode !== null ? r() : server.once('exit', r)));
    rmSync(dataDir, { recursive: true, force: true });
  }
  if (problems.length) {
    console.log('\nBrowser errors seen:');
    for (const p of problems.slice(0, 20)) console.log(`  ${p}`);
  }
}

async function runScenarios(browser, base, problems) {
  // -------------------------------------------------------------- the main flow
  const customerCtx = await newContext(browser, base, { permissions: ['notifications'] });
  const riderCtx = [
    await newContext(browser, base, { geolocation: STORE, permissions: ['geolocation', 'notifications'] }),
    await newContext(browser, base, { geolocation: STORE, permissions: ['geolocation', 'notifications'] }),
  ];
  const adminCtx = await newContext(browser, base);
  const customer = await customerCtx.newPage();
  const riders = [await riderCtx[0].newPage(), await riderCtx[1].newPage()];
  const adminDash = await adminCtx.newPage();
  const adminOrders = await adminCtx.newPage();
  for (const [name, page] of [
    ['customer', customer],
    ['rider1', riders[0]],
    ['rider2', riders[1]],
    ['admin-dashboard', adminDash],
    ['admin-orders', adminOrders],
  ]) {
    pages.set(name, page);
    watchConsole(page, name, problems);
  }

  let orderId = null;
  let code = null;
  let winner = -1;
  let initialOrdersToday = 0;
  let productId = null;

  await scenario('Customer orders, partners race, live tracking, delivery, admin follows', async () => {
    await step('login page offers demo accounts; customer signs in', async () => {
      await customer.goto(`${base}/login`);
      await customer.getByTestId('demo-accounts').waitFor({ timeout: WAIT });
      await shot(customer, 'login');
      await login(customer, base, 'demo-customer', '/');
      await customer.getByTestId('product-card').first().waitFor({ timeout: WAIT });
      // Location first: the default address (Home, Bandra) and its store's promise.
      await untilBar(customer, 'BDW', 'open');
      const bar = await locationBar(customer);
      assert(/Delivery in \d+ min · from Bandra West/.test(bar.text) && /Home/.test(bar.text), `location bar says "${bar.text}"`);
      assert((await customer.getByTestId('product-grid').getAttribute('data-store-code')) === 'BDW', 'the catalog is not Bandra West\'s');
      await shot(customer, 'customer-catalog');
    });

    await step('two partners sign in and switch availability on', async () => {
      await login(riders[0], base, 'demo-rider1', '/partner');
      await login(riders[1], base, 'demo-rider2', '/partner');
      for (const rider of riders) {
        const home = rider.getByTestId('home-store');
        await home.waitFor({ timeout: WAIT });
        assert((await home.getAttribute('data-store-code')) === 'BDW', 'the partner does not see Bandra West as home store');
        await rider.getByTestId('availability-switch').locator('input').click();
        await until(rider, () => /online and receiving/.test(document.querySelector('[data-testid="availability-text"]')?.textContent ?? ''));
        // Available: the position goes to dispatch (from the browser's GPS here, not simulated).
        await until(rider, () => {
          const el = document.querySelector('[data-testid="idle-position"]');
          return el?.getAttribute('data-state') === 'gps' && Number(el.getAttribute('data-sent') || 0) > 0;
        });
      }
    });

    await step('admin opens the dashboard and the orders table', async () => {
      await login(adminDash, base, 'demo-admin', '/admin');
      await adminDash.getByTestId('stat-orders-total').waitFor({ timeout: WAIT });
      initialOrdersToday = Number(await text(adminDash, 'stat-orders-total'));
      // Same browser profile: already signed in.
      await adminOrders.goto(`${base}/admin/orders`);
      await adminOrders.locator(`${byTest('empty-state')}, ${byTest('admin-orders-table')}`).first().waitFor({ timeout: WAIT });
    });

    await step('admin switches Bandra West to broadcast dispatch (every rider at once) in the store dialog', async () => {
      // The demo stores offer orders one rider at a time (auto); this flow is the race.
      await setDispatchMode(adminOrders, base, 'BDW', 'broadcast');
      await adminOrders.goto(`${base}/admin/orders`);
      await adminOrders.locator(`${byTest('empty-state')}, ${byTest('admin-orders-table')}`).first().waitFor({ timeout: WAIT });
    });

    await step('customer searches, adds to cart and checks out', async () => {
      productId = await searchAndAdd(customer, 'dal');
      assert(productId, 'no product id on the card');
      orderId = await addAddressAndPlaceOrder(customer, '12 Hill Road, Bandra West');
      assert(orderId, 'no order id on the tracking page');
      code = await text(customer, 'confirmation-code');
      assert(/^\d{4}$/.test(code), `unexpected confirmation code "${code}"`);
      // The promise made at placement, beside the live ETA, and the store it comes from.
      const promise = await text(customer, 'promise');
      assert(/^Arriving by .+ · promised \d+ min$/.test(promise), `promise shown as "${promise}"`);
      assert(/From Bandra West/.test(await text(customer, 'order-store')), 'the order does not say its store');
      await until(customer, () => document.querySelector('[data-testid="order-status"]')?.getAttribute('data-status') === 'pending');
    });

    await step('both partners see the new offer appear live, by area only (no street, no customer)', async () => {
      for (const rider of riders) {
        const card = rider.locator(`${byTest('available-order')}[data-order-id="${orderId}"]`);
        await card.waitFor({ timeout: WAIT });
        const words = await card.innerText();
        assert(/Pickup at the store · \d/.test(words), `no pickup distance on the offer: "${words}"`);
        assert(/Drop-off: .*400050/.test(words), `no drop-off area on the offer: "${words}"`);
        assert(/2 items/.test(words) && /Earn ₹/.test(words) && /~\d+ min/.test(words), `offer lacks items, payout or minutes: "${words}"`);
        assert(!/Hill Road|Asha|Customer/i.test(words), `the offer shows customer details: "${words}"`);
      }
      await shot(riders[0], 'partner-new-order');
    });

    await step('both press accept: exactly one wins, the other is told another partner took it', async () => {
      const press = (rider) =>
        rider.evaluate((id) => {
          const button = document.querySelector(`[data-testid="available-order"][data-order-id="${id}"] [data-testid="accept-order"]`);
          if (!button) return false;
          button.click();
          return true;
        }, orderId);
      const pressed = await Promise.all(riders.map(press));
      assert(pressed.every(Boolean), `not both partners could press accept: ${JSON.stringify(pressed)}`);
      const outcome = async (rider) => {
        const handle = await until(
          rider,
          (id) => {
            if (document.querySelector(`[data-testid="active-order"][data-order-id="${id}"]`)) return 'won';
            const alert = document.querySelector('[data-testid="accept-outcome"]');
            if (alert && /Another partner took/.test(alert.textContent ?? '')) return 'lost';
            return false;
          },
          orderId,
        );
        return handle.jsonValue();
      };
      const outcomes = await Promise.all(riders.map(outcome));
      assert(outcomes.filter((o) => o === 'won').length === 1, `expected exactly one winner, got ${outcomes}`);
      assert(outcomes.filter((o) => o === 'lost').length === 1, `expected exactly one loser, got ${outcomes}`);
      winner = outcomes.indexOf('won');
      const loser = riders[1 - winner];
      await loser.locator(`${byTest('available-order')}[data-order-id="${orderId}"]`).waitFor({ state: 'detached', timeout: WAIT });
      console.log(`      rider${winner + 1} won, rider${2 - winner} was told another partner took it`);
    });

    await step('customer sees "accepted" and the partner', async () => {
      await until(customer, () => document.querySelector('[data-testid="order-status"]')?.getAttribute('data-status') === 'accepted');
      const partnerName = await text(customer, 'partner-name');
      assert(partnerName.includes(winner === 0 ? 'Ravi' : 'Sana'), `partner shown as "${partnerName}"`);
    });

    await step("rider marker follows the partner's geolocation, moving in plausible steps", async () => {
      const rider = riders[winner];
      await until(rider, () => document.querySelector('[data-testid="gps-status"]')?.getAttribute('data-state') === 'sending');
      const marker = customer.locator(`${byTest('tracking-map')} ${byTest('marker-rider')}`);
      await marker.waitFor({ timeout: WAIT });
      // The server refuses a fix implying more than 150 km/h from the last one: ride
      // ~30 m north of the store, twice, a second apart.
      const stepDeg = 30 / M_PER_DEG_LAT;
      for (const destination of [
        { latitude: Number((STORE.latitude + stepDeg).toFixed(6)), longitude: STORE.longitude },
        { latitude: Number((STORE.latitude + 2 * stepDeg).toFixed(6)), longitude: STORE.longitude },
      ]) {
        await new Promise((r) => setTimeout(r, 1000));
        const before = await customer.locator('.leaflet-marker-icon:has([data-testid="marker-rider"])').evaluate((el) => el.style.transform);
        await riderCtx[winner].setGeolocation(destination);
        await until(
          customer,
          (lat) => Math.abs(Number(document.querySelector('[data-testid="rider-position"]')?.getAttribute('data-lat')) - lat) < 1e-6,
          destination.latitude,
        );
        await until(
          customer,
          (prev) => document.querySelector('.leaflet-marker-icon:has([data-testid="marker-rider"])')?.style.transform !== prev,
          before,
        );
      }
      assert(!(await rider.getByTestId('gps-note').count()), 'a plausible move was refused as a GPS jump');
      await shot(customer, 'customer-tracking');
    });

    await step('partner moves the order through each status; the customer sees each', async () => {
      const rider = riders[winner];
      for (const status of ['picked_up', 'on_the_way']) {
        await rider.locator(`${byTest('next-status')}[data-next="${status}"]`).click();
        await until(customer, (s) => document.querySelector('[data-testid="order-status"]')?.getAttribute('data-status') === s, status);
        await until(rider, (s) => document.querySelector('[data-testid="active-order"]')?.getAttribute('data-status') === s, status);
      }
      await shot(rider, 'partner-active-order');
    });

    await step('a wrong code is refused with the attempts left', async () => {
      const rider = riders[winner];
      const wrong = code === '0000' ? '1111' : '0000';
      await rider.getByTestId('code-input').fill(wrong);
      await rider.getByTestId('deliver-button').click();
      await until(rider, () => /attempts? left/i.test(document.querySelector('[data-testid="code-error"]')?.textContent ?? ''));
    });

    await step('five wrong codes lock delivery: the rider waits, the customer is told', async () => {
      const rider = riders[winner];
      const wrong = code === '0000' ? '1111' : '0000';
      for (const left of [3, 2, 1]) {
        await rider.getByTestId('code-input').fill(wrong);
        await rider.getByTestId('deliver-button').click();
        await until(rider, (n) => new RegExp(`\\b${n} attempts? left`, 'i').test(document.querySelector('[data-testid="code-error"]')?.textContent ?? ''), left);
      }
      await rider.getByTestId('code-input').fill(wrong);
      await rider.getByTestId('deliver-button').click();
      await rider.getByTestId('code-locked').waitFor({ timeout: WAIT });
      assert(/Wait for support/.test(await text(rider, 'code-locked')), 'the rider is not told to wait for support');
      assert(await rider.getByTestId('code-input').isDisabled(), 'the code input is still enabled while locked');
      await customer.getByTestId('code-locked').waitFor({ timeout: WAIT });
      assert(/support team has been alerted/.test(await text(customer, 'code-locked')), 'the customer is not told support will help');
      assert((await customer.getByTestId('confirmation-code').count()) === 0, 'the locked code is still shown to the customer');
      await shot(rider, 'partner-code-locked');
      await shot(customer, 'customer-code-locked');
    });

    await step('an admin resets the code: the customer sees the new code and the rider can enter it', async () => {
      const rider = riders[winner];
      const row = adminOrders.locator(`${byTest('admin-order-row')}[data-order-id="${orderId}"]`);
      await row.waitFor({ timeout: WAIT });
      await row.getByTestId('admin-order-code-locked').waitFor({ timeout: WAIT });
      await row.click();
      await adminOrders.getByTestId('detail-code-locked').waitFor({ timeout: WAIT });
      const reset = adminOrders.getByTestId('admin-reset-code');
      assert((await reset.getAttribute('data-emphasis')) === 'locked', 'the reset action is not emphasised for a locked code');
      await reset.click();
      await adminOrders.getByTestId('reason-input').fill('Customer confirmed by phone');
      await adminOrders.getByTestId('reason-confirm').click();
      await until(customer, () => document.querySelector('[data-testid="code-label"]')?.textContent === 'New delivery code');
      const fresh = await text(customer, 'confirmation-code');
      assert(/^\d{4}$/.test(fresh), `unexpected new code "${fresh}"`);
      await until(rider, () => {
        const input = document.querySelector('[data-testid="code-input"]');
        return input && !input.disabled && document.querySelector('[data-testid="code-reset"]');
      });
      await shot(customer, 'customer-new-code');
      code = fresh;
      await until(adminOrders, () => !document.querySelector('[data-testid="detail-code-locked"]'));
      await adminOrders.getByRole('button', { name: 'Close order detail' }).click();
      await adminOrders.getByTestId('order-detail').waitFor({ state: 'detached', timeout: WAIT });
    });

    await step("partner enters the customer's code and delivers", async () => {
      const rider = riders[winner];
      await rider.getByTestId('code-input').fill(code);
      await rider.getByTestId('deliver-button').click();
      await rider.locator(`${byTest('active-order')}[data-order-id="${orderId}"]`).waitFor({ state: 'detached', timeout: WAIT });
      await until(customer, () => document.querySelector('[data-testid="order-status"]')?.getAttribute('data-status') === 'delivered');
      assert(/Delivered/.test(await text(customer, 'eta')), 'tracking page does not say delivered');
      await rider.getByTestId('nav-earnings').click();
      await rider.getByTestId('earnings-chart').waitFor({ timeout: WAIT });
      assert((await text(rider, 'earnings-today')) !== '₹0.00', 'earnings did not count the delivery');
      await shot(rider, 'partner-earnings');
      await rider.getByTestId('nav-orders').click();
      await shot(riders[1 - winner], 'partner-dashboard');
    });

    await step('admin dashboard and orders table reflect it without a reload', async () => {
      await until(adminDash, (n) => Number(document.querySelector('[data-testid="stat-orders-total"]')?.textContent) === n, initialOrdersToday + 1);
      await until(adminDash, () => Number(document.querySelector('[data-testid="stat-orders-delivered"]')?.textContent) >= 1);
      await until(adminDash, () => document.querySelector('[data-testid="stat-revenue"]')?.textContent !== '₹0.00');
      await shot(adminDash, 'admin-dashboard');
      const row = adminOrders.locator(`${byTest('admin-order-row')}[data-order-id="${orderId}"]`);
      await row.waitFor({ timeout: WAIT });
      await until(
        adminOrders,
        (id) => document.querySelector(`[data-testid="admin-order-row"][data-order-id="${id}"]`)?.getAttribute('data-status') === 'delivered',
        orderId,
      );
      const navigations = await adminOrders.evaluate(() => performance.getEntriesByType('navigation').length);
      assert(navigations === 1, 'the admin page was reloaded');
      await row.click();
      await adminOrders.getByTestId('order-timeline').waitFor({ timeout: WAIT });
      await until(adminOrders, () => document.querySelectorAll('[data-testid="order-timeline"] > *').length >= 7);
      const timeline = await text(adminOrders, 'order-timeline');
      assert(/Delivery code locked/.test(timeline) && /New delivery code sent/.test(timeline), `timeline lacks the code events: ${timeline}`);
      assert(!/order\.|picked_up|on_the_way|\(delivery\)/.test(timeline), `timeline shows raw codes: ${timeline}`);
      await adminOrders.locator(`${byTest('detail-map')} ${byTest('marker-destination')}`).waitFor({ timeout: WAIT });
      assert(/Bandra West \(BDW\)/.test(await text(adminOrders, 'detail-store')), 'the drawer does not show the store');
      assert(/Promised: by .+\(\d+ min\)/.test(await text(adminOrders, 'detail-promise')), 'the drawer does not show the promise');
      assert((await row.getAttribute('data-store-code')) === 'BDW', 'the orders table has no store');
      await shot(adminOrders, 'admin-orders');
    });
  });

  // -------------------------------------------------------------- phone-sized customer
  const phoneCtx = await newContext(browser, base, {
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    permissions: ['notifications'],
  });
  const phone = await phoneCtx.newPage();
  pages.set('phone', phone);
  watchConsole(phone, 'phone', problems);
  const watcher = await customerCtx.newPage();
  pages.set('stock-watcher', watcher);

  await scenario('Phone-sized customer path (390×844), with live stock on another screen', async () => {
    let phoneProduct = null;
    let phoneOrder = null;
    let stockBefore = 0;
    await step('phone customer signs in and sees a one-column-fits layout', async () => {
      await login(phone, base, 'demo-customer2', '/');
      await phone.getByTestId('product-card').first().waitFor({ timeout: WAIT });
      const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert(overflow <= 1, `page is ${overflow}px wider than the phone screen`);
      await shot(phone, 'phone-catalog');
    });

    await step('phone customer searches and adds to the cart', async () => {
      phoneProduct = await searchAndAdd(phone, 'milk');
      await watcher.goto(`${base}/?q=milk`);
      const card = watcher.locator(`${byTest('product-card')}[data-product-id="${phoneProduct}"]`);
      await card.waitFor({ timeout: WAIT });
      stockBefore = Number(await card.getAttribute('data-stock'));
    });

    await step('phone customer checks out (an address out of the area is refused first) and lands on tracking with the code', async () => {
      phoneOrder = await addAddressAndPlaceOrder(phone, '7 Carter Road, Khar', { tryFarFirst: true });
      assert(phoneOrder, 'no order id');
      assert(/^\d{4}$/.test(await text(phone, 'confirmation-code')), 'no code on the phone tracking page');
      await phone.locator(`${byTest('tracking-map')} ${byTest('marker-destination')}`).waitFor({ timeout: WAIT });
      const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert(overflow <= 1, `tracking page is ${overflow}px wider than the phone screen`);
      await shot(phone, 'phone-tracking');
    });

    await step('another customer screen sees the stock badge drop live', async () => {
      await until(
        watcher,
        ([id, before]) => Number(document.querySelector(`[data-testid="product-card"][data-product-id="${id}"]`)?.getAttribute('data-stock')) === before - 2,
        [phoneProduct, stockBefore],
      );
    });

    await step('a partner accepts it and the demo route simulation moves the rider on the phone map', async () => {
      const rider = riders[winner === 0 ? 1 : 0];
      await rider.locator(`${byTest('available-order')}[data-order-id="${phoneOrder}"] ${byTest('accept-order')}`).click();
      await rider.locator(`${byTest('active-order')}[data-order-id="${phoneOrder}"]`).waitFor({ timeout: WAIT });
      await rider.getByTestId('simulate-route').locator('input').click();
      await until(phone, () => document.querySelector('[data-testid="order-status"]')?.getAttribute('data-status') === 'accepted');
      await phone.getByTestId('rider-position').waitFor({ timeout: WAIT });
      const first = await phone.getByTestId('rider-position').getAttribute('data-lat');
      await until(phone, (lat) => document.querySelector('[data-testid="rider-position"]')?.getAttribute('data-lat') !== lat, first);
      await phone.locator(`${byTest('tracking-map')} ${byTest('marker-rider')}`).waitFor({ timeout: WAIT });
      await shot(phone, 'phone-tracking-live');
    });

    await step('admin unassigns the partner, then cancels; partner and customer see both live', async () => {
      const rider = riders[winner === 0 ? 1 : 0];
      const row = adminOrders.locator(`${byTest('admin-order-row')}[data-order-id="${phoneOrder}"]`);
      await adminOrders.getByRole('button', { name: 'Close order detail' }).click();
      await adminOrders.getByTestId('order-detail').waitFor({ state: 'detached', timeout: WAIT });
      await row.waitFor({ timeout: WAIT });
      await row.click();
      await adminOrders.getByTestId('admin-unassign').click();
      await adminOrders.getByTestId('reason-input').fill('Rider bike broke down');
      await adminOrders.getByTestId('reason-confirm').click();
      await rider.locator(`${byTest('active-order')}[data-order-id="${phoneOrder}"]`).waitFor({ state: 'detached', timeout: WAIT });
      await until(phone, () => document.querySelector('[data-testid="order-status"]')?.getAttribute('data-status') === 'pending');
      await until(adminOrders, () => document.querySelector('[data-testid="detail-status"]')?.getAttribute('data-status') === 'pending');
      await adminOrders.getByTestId('admin-cancel').click();
      await adminOrders.getByTestId('reason-input').fill('Customer asked by phone');
      await adminOrders.getByTestId('reason-confirm').click();
      await until(phone, () => document.querySelector('[data-testid="order-status"]')?.getAttribute('data-status') === 'cancelled');
      await until(
        adminOrders,
        (id) => document.querySelector(`[data-testid="admin-order-row"][data-order-id="${id}"]`)?.getAttribute('data-status') === 'cancelled',
        phoneOrder,
      );
    });

    await step('phone customer changes the password and stays signed in, live', async () => {
      await phone.getByTestId('account-menu').click();
      await phone.getByTestId('change-password').click();
      await phone.getByTestId('password-current').fill('Customer@123');
      await phone.getByTestId('password-new').fill('Customer@456');
      await phone.getByTestId('password-repeat').fill('Customer@456');
      const url = phone.url();
      await phone.getByTestId('password-save').click();
      // Verifying and hashing passwords is slow on purpose (and slower in a debug build).
      await phone.getByTestId('password-form').waitFor({ state: 'detached', timeout: 4 * WAIT });
      // The server closes this tab's socket too: it must come back with the new token.
      await new Promise((r) => setTimeout(r, 1500));
      await until(phone, () => document.querySelector('[data-testid="connection-state"]')?.getAttribute('data-state') === 'connected');
      assert(phone.url() === url, `the customer left the page after changing the password: ${phone.url()}`);
      assert((await phone.getByTestId('tracking-page').count()) === 1, 'the tracking page is gone');
      await shot(phone, 'phone-password-changed');
    });
  });

  // -------------------------------------------------------------- the other admin pages
  await scenario('Admin partners, users and catalog', async () => {
    await step('partners table shows both riders online, with a live map of riders', async () => {
      await adminOrders.getByRole('button', { name: 'Close order detail' }).click();
      await adminOrders.getByTestId('order-detail').waitFor({ state: 'detached', timeout: WAIT });
      await adminOrders.getByTestId('nav-partners').click();
      await adminOrders.getByTestId('partners-table').waitFor({ timeout: WAIT });
      await until(adminOrders, () => document.querySelectorAll('[data-testid="partner-row"][data-online="true"]').length >= 2);
      await adminOrders.locator(`${byTest('riders-map')} ${byTest('marker-rider')}`).first().waitFor({ timeout: WAIT });
      await shot(adminOrders, 'admin-partners');
    });

    await step('users page lists every account with block controls', async () => {
      await adminOrders.getByTestId('nav-users').click();
      await adminOrders.getByTestId('users-table').waitFor({ timeout: WAIT });
      await until(adminOrders, () => document.querySelectorAll('[data-testid="user-row"]').length >= 6);
      assert((await adminOrders.getByTestId('user-block-toggle').count()) >= 5, 'block buttons missing');
      await shot(adminOrders, 'admin-users');
    });

    await step('a stock change in the catalog editor reaches customers live', async () => {
      await adminOrders.getByTestId('nav-catalog').click();
      // Stock is per store: the watcher shops at Bandra West.
      await pickStore(adminOrders, 'catalog-store-filter', 'BDW');
      await adminOrders.getByTestId('admin-product-search').fill('milk');
      const productId = await watcher.locator(byTest('product-card')).first().getAttribute('data-product-id');
      const row = adminOrders.locator(`${byTest('admin-product-row')}[data-product-id="${productId}"]`);
      await row.waitFor({ timeout: WAIT });
      await row.getByTestId('admin-stock-button').click();
      await adminOrders.getByTestId('stock-amount').fill('0');
      await adminOrders.getByRole('button', { name: 'Set to' }).click();
      await adminOrders.getByTestId('stock-reason').fill('Spoiled batch');
      await adminOrders.getByTestId('stock-save').click();
      await until(
        watcher,
        (id) => {
          const card = document.querySelector(`[data-testid="product-card"][data-product-id="${id}"]`);
          return card?.getAttribute('data-stock') === '0' && /Out of stock/.test(card.textContent ?? '');
        },
        productId,
      );
      await shot(adminOrders, 'admin-catalog');
    });
  });

  // -------------------------------------------------------------- auto dispatch
  await scenario('Auto dispatch: the nearer rider is offered the order first, declines; the other accepts', async () => {
    // Rider 2 (Sana) waits ~40 m from Bandra West, rider 1 (Ravi) ~380 m: 1 and 2 minutes away.
    const near = riders[1];
    const far = riders[0];
    const nearCtx = riderCtx[1];
    const farCtx = riderCtx[0];
    let storeId = null;
    let dispatchOrder = null;
    await step('admin switches Bandra West back to auto dispatch (one rider at a time)', async () => {
      storeId = await setDispatchMode(adminOrders, base, 'BDW', 'auto');
    });

    await step('both riders are available at different places and their positions reach dispatch', async () => {
      await near.setViewportSize({ width: 390, height: 844 });
      for (const [page, ctx, metres] of [
        [near, nearCtx, 40],
        [far, farCtx, 380],
      ]) {
        await page.goto(`${base}/partner`);
        await until(page, () => /online and receiving/.test(document.querySelector('[data-testid="availability-text"]')?.textContent ?? ''));
        const since = await page.evaluate(() => Date.now());
        await ctx.setGeolocation({ latitude: Number((STORE.latitude + metres / M_PER_DEG_LAT).toFixed(6)), longitude: STORE.longitude });
        await untilPositionSent(page, since);
      }
    });

    await step('a customer orders: only the nearer rider gets the offer card, with a countdown', async () => {
      await customer.goto(`${base}/`);
      await customer.getByTestId('product-card').first().waitFor({ timeout: WAIT });
      await searchAndAdd(customer, 'rice');
      dispatchOrder = await addAddressAndPlaceOrder(customer, '3 Turner Road, Bandra West');
      const card = near.locator(`${byTest('offer-card')}[data-order-id="${dispatchOrder}"]`);
      await card.waitFor({ timeout: WAIT });
      const seconds = Number(await card.getByTestId('offer-countdown').getAttribute('data-seconds'));
      assert(seconds > 0 && seconds <= 20, `countdown shows ${seconds} s`);
      const words = await card.innerText();
      assert(/Earn ₹/.test(words) && /Drop-off: .*400050/.test(words) && !/Turner Road|Customer/i.test(words), `offer card says "${words}"`);
      assert((await far.locator(`${byTest('offer-card')}[data-order-id="${dispatchOrder}"]`).count()) === 0, 'the farther rider got the offer too');
      assert((await far.locator(`${byTest('available-order')}[data-order-id="${dispatchOrder}"]`).count()) === 0, 'the order was broadcast');
      await until(near, () => Number(document.querySelector('[data-testid="offer-countdown"]')?.getAttribute('data-seconds')) < 20);
      await shot(near, 'phone-partner-offer');
    });

    await step("the admin's dispatch board shows the live offer: who has it and the seconds left", async () => {
      await adminOrders.goto(`${base}/admin/dispatch?store=${storeId}`);
      const row = adminOrders.locator(`${byTest('dispatch-row')}[data-order-id="${dispatchOrder}"]`);
      await row.waitFor({ timeout: WAIT });
      await until(adminOrders, (id) => document.querySelector(`[data-testid="dispatch-row"][data-order-id="${id}"]`)?.getAttribute('data-state') === 'offered', dispatchOrder);
      assert(/Sana Rider · round 1 · \d+ s/.test(await row.getByTestId('dispatch-offer').innerText()), 'the board does not say who has the offer');
      await shot(adminOrders, 'admin-dispatch-board');
    });

    await step('the nearer rider declines with a reason: the offer goes to the other rider', async () => {
      const card = near.locator(`${byTest('offer-card')}[data-order-id="${dispatchOrder}"]`);
      await card.getByTestId('offer-decline').click();
      await card.locator(`${byTest('decline-reason')}[data-reason="too_far"]`).click();
      await card.waitFor({ state: 'detached', timeout: WAIT });
      const next = far.locator(`${byTest('offer-card')}[data-order-id="${dispatchOrder}"]`);
      await next.waitFor({ timeout: WAIT });
      assert((await next.getAttribute('data-round')) === '2', 'the second offer is not round 2');
      assert(/offer 2/i.test(await next.innerText()), 'the card does not say it is a second offer');
    });

    await step('the other rider accepts: the order is theirs and the customer sees them', async () => {
      await far.locator(`${byTest('offer-card')}[data-order-id="${dispatchOrder}"] ${byTest('offer-accept')}`).click();
      await far.locator(`${byTest('active-order')}[data-order-id="${dispatchOrder}"]`).waitFor({ timeout: WAIT });
      await until(customer, () => document.querySelector('[data-testid="order-status"]')?.getAttribute('data-status') === 'accepted');
      assert((await text(customer, 'partner-name')).includes('Ravi'), 'the customer does not see Ravi');
      await adminOrders.locator(`${byTest('dispatch-row')}[data-order-id="${dispatchOrder}"]`).waitFor({ state: 'detached', timeout: WAIT });
    });

    await step('the admin sees the offer history in the order drawer', async () => {
      await adminOrders.goto(`${base}/admin/orders`);
      const row = adminOrders.locator(`${byTest('admin-order-row')}[data-order-id="${dispatchOrder}"]`);
      await row.waitFor({ timeout: WAIT });
      await row.click();
      const history = adminOrders.getByTestId('offer-history');
      await history.waitFor({ timeout: WAIT });
      const rows = await history.getByTestId('offer-history-row').evaluateAll((els) =>
        els.map((e) => ({ round: e.getAttribute('data-round'), state: e.getAttribute('data-state'), text: e.textContent })),
      );
      assert(rows.length === 2, `expected 2 offers, got ${JSON.stringify(rows)}`);
      assert(rows[0].round === '1' && rows[0].state === 'declined' && /Sana/.test(rows[0].text) && /Too far for me/.test(rows[0].text), `first offer: ${JSON.stringify(rows[0])}`);
      assert(rows[1].round === '2' && rows[1].state === 'accepted' && /Ravi/.test(rows[1].text), `second offer: ${JSON.stringify(rows[1])}`);
      await shot(adminOrders, 'admin-offer-history');
      await adminOrders.getByRole('button', { name: 'Close order detail' }).click();
      await adminOrders.getByTestId('order-detail').waitFor({ state: 'detached', timeout: WAIT });
    });

    await step('idle riders are on the partners map with their names', async () => {
      await adminOrders.goto(`${base}/admin/partners?store=${storeId}`);
      await adminOrders.getByTestId('partners-table').waitFor({ timeout: WAIT });
      // Sana (idle since she declined) and Ravi (now carrying the order), by name on the map.
      await until(adminOrders, () => {
        const words = document.querySelector('[data-testid="riders-map"]')?.textContent ?? '';
        return /Sana Rider · idle/.test(words) && /Ravi Rider · delivering/.test(words);
      });
      await shot(adminOrders, 'admin-partners-idle-riders');
    });

    await step('an admin assigns a new order from the dispatch board: the rider holding its offer is told it was withdrawn', async () => {
      await adminOrders.goto(`${base}/admin/dispatch?store=${storeId}`);
      await adminOrders.getByTestId('dispatch-mode').waitFor({ timeout: WAIT });
      await customer.goto(`${base}/`);
      await customer.getByTestId('product-card').first().waitFor({ timeout: WAIT });
      await searchAndAdd(customer, 'milk');
      const second = await addAddressAndPlaceOrder(customer, '5 Chapel Road, Bandra West');
      // Whoever ranks first now (a decline counts against Sana for a while) holds the offer.
      const row = adminOrders.locator(`${byTest('dispatch-row')}[data-order-id="${second}"][data-state="offered"]`);
      await row.waitFor({ timeout: WAIT });
      const holder = await until(
        adminOrders,
        (id) => document.querySelector(`[data-testid="dispatch-row"][data-order-id="${id}"] [data-testid="dispatch-offer"]`)?.textContent?.match(/(Sana|Ravi)/)?.[1] ?? false,
        second,
      ).then((h) => h.jsonValue());
      const [holderPage, other, otherName] = holder === 'Sana' ? [near, far, 'Ravi Rider'] : [far, near, 'Sana Rider'];
      await holderPage.locator(`${byTest('offer-card')}[data-order-id="${second}"]`).waitFor({ timeout: WAIT });
      await row.getByTestId('dispatch-assign').click();
      await adminOrders.getByTestId('reassign-partner').click();
      await adminOrders.locator('[role="option"]', { hasText: otherName }).click();
      await adminOrders.getByTestId('reason-input').fill('Rider is already at the store');
      await adminOrders.getByTestId('reason-confirm').click();
      await other.locator(`${byTest('active-order')}[data-order-id="${second}"]`).waitFor({ timeout: WAIT });
      const ended = holderPage.getByTestId('offer-ended');
      await ended.waitFor({ timeout: WAIT });
      assert((await ended.getAttribute('data-reason')) === 'withdrawn' && /no longer offered to you/.test(await ended.innerText()), 'the holder is not told the offer was withdrawn');
      assert((await holderPage.locator(`${byTest('offer-card')}[data-order-id="${second}"]`).count()) === 0, 'the withdrawn offer card stayed');
      await shot(holderPage, 'partner-offer-withdrawn');
      await adminOrders.getByRole('button', { name: 'Close order detail' }).click();
      await adminOrders.getByTestId('order-detail').waitFor({ state: 'detached', timeout: WAIT });
    });

    await step('a rider takes a second order (stacked): the route lists both pickups first, then the drops', async () => {
      await customer.goto(`${base}/`);
      await customer.getByTestId('product-card').first().waitFor({ timeout: WAIT });
      await searchAndAdd(customer, 'atta');
      const third = await addAddressAndPlaceOrder(customer, '9 Waterfield Road, Bandra West');
      // Offered to Ravi when his first drop can still be kept on time, else broadcast to both.
      const how = await until(
        far,
        (id) =>
          document.querySelector(`[data-testid="offer-card"][data-order-id="${id}"]`)
            ? 'offer'
            : document.querySelector(`[data-testid="available-order"][data-order-id="${id}"]`)
              ? 'broadcast'
              : false,
        third,
      ).then((h) => h.jsonValue());
      console.log(`      the second order reached Ravi as ${how === 'offer' ? 'an offer to him alone' : 'a broadcast (escalated)'}`);
      await far.locator(`[data-order-id="${third}"] ${how === 'offer' ? byTest('offer-accept') : byTest('accept-order')}`).click();
      await far.locator(`${byTest('active-order')}[data-order-id="${third}"]`).waitFor({ timeout: WAIT });
      const stops = far.getByTestId('trip-stops');
      await stops.waitFor({ timeout: WAIT });
      const kinds = await stops.getByTestId('trip-stop').evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')));
      assert(JSON.stringify(kinds) === JSON.stringify(['pickup', 'pickup', 'drop', 'drop']), `stops in order: ${kinds}`);
      await far.setViewportSize({ width: 390, height: 844 });
      await shot(far, 'phone-partner-stacked-route');
    });
  });

  // -------------------------------------------------------------- session ended by the server
  await scenario('A session the server ends sends the customer to sign in, and keeps the cart', async () => {
    const row = () => adminOrders.locator(byTest('user-row'), { hasText: 'customer2@quickcommerce.dev' });
    await step('with items in the cart, the phone customer is blocked: sent to sign in with the reason', async () => {
      await phone.goto(`${base}/`);
      await phone.getByTestId('product-card').first().waitFor({ timeout: WAIT });
      await searchAndAdd(phone, 'dal');
      await adminOrders.getByTestId('nav-users').click();
      await adminOrders.getByLabel('Search users by name or e-mail').fill('customer2');
      await row().getByTestId('user-block-toggle').click();
      await phone.waitForURL((url) => url.pathname === '/login', { timeout: WAIT });
      const reason = await text(phone, 'session-ended');
      assert(/blocked/.test(reason), `unexpected reason: ${reason}`);
      await shot(phone, 'phone-session-ended');
    });

    await step('unblocked and signed in again (with the changed password): the cart is still there', async () => {
      const toggle = row().getByTestId('user-block-toggle');
      await toggle.filter({ hasText: /^Unblock$/ }).waitFor({ timeout: WAIT });
      await toggle.click();
      await toggle.filter({ hasText: /^Block$/ }).waitFor({ timeout: WAIT });
      await phone.getByTestId('login-email').fill('customer2@quickcommerce.dev');
      await phone.getByTestId('login-password').fill('Customer@456');
      await phone.getByTestId('login-submit').click();
      await phone.waitForURL((url) => url.pathname === '/', { timeout: 4 * WAIT });
      await until(phone, () => document.querySelector('[data-testid="cart-count"] .MuiBadge-badge')?.textContent === '2');
    });
  });

  // -------------------------------------------------------------- too many tabs
  const tabsCtx = await newContext(browser, base, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  await scenario(`Too many tabs (${MAX_SOCKETS} sockets per user on this server)`, async () => {
    const tabs = [];
    await step(`a partner opens ${MAX_SOCKETS + 1} tabs: the oldest is closed with a banner, the others stay live`, async () => {
      const first = await tabsCtx.newPage();
      pages.set('tab-1', first);
      watchConsole(first, 'tab-1', problems);
      await login(first, base, 'demo-rider3', '/partner');
      tabs.push(first);
      for (let i = 2; i <= MAX_SOCKETS + 1; i++) {
        const tab = await tabsCtx.newPage();
        pages.set(`tab-${i}`, tab);
        watchConsole(tab, `tab-${i}`, problems);
        await tab.goto(`${base}/partner/history`);
        await until(tab, () => document.querySelector('[data-testid="connection-state"]')?.getAttribute('data-state') === 'connected');
        tabs.push(tab);
      }
      await first.getByTestId('connection-closed').waitFor({ timeout: WAIT });
      assert(/too many tabs or devices/.test(await text(first, 'connection-closed')), 'the banner does not say why');
      assert(new URL(first.url()).pathname === '/partner', 'the closed tab was signed out');
      for (const tab of tabs.slice(1)) {
        assert((await tab.getByTestId('connection-closed').count()) === 0, 'a newer tab was closed');
      }
      await shot(first, 'tab-closed-too-many');
    });

    await step('"Reconnect" brings the closed tab back (closing the now-oldest one instead)', async () => {
      const [first, second] = tabs;
      await first.getByTestId('reconnect').click();
      await until(first, () => document.querySelector('[data-testid="connection-state"]')?.getAttribute('data-state') === 'connected');
      assert((await first.getByTestId('connection-closed').count()) === 0, 'the banner stayed');
      await second.getByTestId('connection-closed').waitFor({ timeout: WAIT });
      assert(new URL(second.url()).pathname.startsWith('/partner'), 'the evicted tab was signed out');
    });
    for (const tab of tabs) await tab.close().catch(() => undefined);
  });

  // -------------------------------------------------------------- registration
  const signupCtx = await newContext(browser, base, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const signup = await signupCtx.newPage();
  pages.set('signup', signup);
  watchConsole(signup, 'signup', problems);
  await scenario('Registration', async () => {
    await step('a new delivery partner registers and lands on the partner dashboard', async () => {
      await signup.goto(`${base}/register`);
      await signup.getByRole('radio', { name: 'Deliver as a partner' }).check();
      // Several stores: a partner picks the home store whose orders they will get.
      await signup.getByTestId('register-store').click();
      await signup.locator('[role="option"][data-store-code="BDW"]').click();
      await signup.getByLabel('Full name').fill('Meera Rider');
      await signup.getByLabel('E-mail').fill(`meera.${Date.now()}@example.com`);
      await signup.getByLabel('Phone').fill('9820012345');
      await signup.getByLabel('Password').fill('Str0ng!pass');
      await signup.getByRole('button', { name: 'Create account' }).click();
      await signup.waitForURL((url) => url.pathname === '/partner', { timeout: WAIT });
      await signup.getByTestId('availability-switch').waitFor({ timeout: WAIT });
      await until(signup, () => document.querySelector('[data-testid="connection-state"]')?.getAttribute('data-state') === 'connected');
      await until(signup, () => document.querySelector('[data-testid="home-store"]')?.getAttribute('data-store-code') === 'BDW');
    });

    await step('until an admin verifies them they cannot go online, and are told why', async () => {
      const notice = signup.getByTestId('partner-not-verified');
      await notice.waitFor({ timeout: WAIT });
      assert(/waiting for verification by our team/.test(await notice.innerText()), 'no verification notice');
      assert(await signup.getByTestId('availability-switch').locator('input').isDisabled(), 'the availability switch is enabled');
      await shot(signup, 'partner-registered');
    });

    await step('an admin verifies them: after "Check again" the switch works', async () => {
      await adminOrders.getByTestId('nav-partners').click();
      await adminOrders.getByLabel('Search partners').fill('Meera');
      const verify = adminOrders.getByLabel('Verified: Meera Rider');
      await verify.waitFor({ timeout: WAIT });
      // Controlled by the server's answer: click, then wait for it to show checked.
      await verify.click();
      await until(adminOrders, () => document.querySelector('input[aria-label="Verified: Meera Rider"]')?.checked === true);
      await signup.getByRole('button', { name: 'Check my verification again' }).click();
      await signup.getByTestId('partner-not-verified').waitFor({ state: 'detached', timeout: WAIT });
      const toggle = signup.getByTestId('availability-switch').locator('input');
      assert(!(await toggle.isDisabled()), 'the switch is still disabled after verification');
      await toggle.click();
      await until(signup, () => /online and receiving/.test(document.querySelector('[data-testid="availability-text"]')?.textContent ?? ''));
    });

    await step('blocked by an admin, the partner is sent to sign in with the reason', async () => {
      await adminOrders.getByTestId('nav-users').click();
      await adminOrders.getByLabel('Search users by name or e-mail').fill('meera');
      const block = adminOrders.getByRole('button', { name: 'Block Meera Rider' });
      await block.waitFor({ timeout: WAIT });
      await block.click();
      await signup.waitForURL((url) => url.pathname === '/login', { timeout: WAIT });
      const reason = signup.getByTestId('session-ended');
      await reason.waitFor({ timeout: WAIT });
      assert(/blocked/.test(await reason.innerText()), `unexpected reason: ${await reason.innerText()}`);
      await shot(signup, 'partner-blocked');
    });
  });

  // -------------------------------------------------------------- many dark stores
  const shopCtx = await newContext(browser, base, {
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
  });
  const shop = await shopCtx.newPage();
  pages.set('shop', shop);
  watchConsole(shop, 'shop', problems);
  await scenario('Dark stores: a phone customer moves from Bandra to Andheri West; an admin pauses Andheri West', async () => {
    await step('in Bandra the phone customer sees Bandra West, its promise and its stock', async () => {
      await login(shop, base, 'demo-customer', '/');
      await untilBar(shop, 'BDW', 'open');
      const bar = await locationBar(shop);
      assert(/Delivery in \d+ min · from Bandra West/.test(bar.text), `location bar says "${bar.text}"`);
      await until(shop, () => document.querySelector('[data-testid="product-grid"]')?.getAttribute('data-store-code') === 'BDW');
      await searchAndAdd(shop, 'dal');
      await shot(shop, 'phone-stores-bandra');
    });

    await step('choosing the Andheri address switches to Andheri West: the cart is re-checked and the change explained', async () => {
      await shop.getByTestId('location-bar').click();
      await shop.getByTestId('location-sheet').waitFor({ timeout: WAIT });
      await shot(shop, 'phone-location-sheet');
      await shop.locator(`${byTest('location-address')}[data-label="Parents"]`).click();
      await untilBar(shop, 'ADW', 'open');
      const bar = await locationBar(shop);
      assert(/from Andheri West/.test(bar.text) && /Parents/.test(bar.text), `location bar says "${bar.text}"`);
      const notice = shop.getByTestId('store-change-notice');
      await notice.waitFor({ timeout: WAIT });
      const words = (await notice.innerText()).replace(/\s+/g, ' ');
      assert(/Now shopping from Andheri West/.test(words) && /checked your cart/.test(words), `notice says "${words}"`);
      await until(shop, () => document.querySelector('[data-testid="product-grid"]')?.getAttribute('data-store-code') === 'ADW');
      await until(shop, () => Number(document.querySelector('[data-testid="cart-count"] .MuiBadge-badge')?.textContent) > 0);
      const overflow = await shop.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert(overflow <= 1, `page is ${overflow}px wider than the phone screen`);
      await shot(shop, 'phone-stores-andheri');
    });

    await step('an admin pauses Andheri West: the customer sees it closed, in words', async () => {
      await adminOrders.goto(`${base}/admin/stores`);
      const card = adminOrders.locator(`${byTest('store-card')}[data-store-code="ADW"]`);
      await card.waitFor({ timeout: WAIT });
      await card.getByTestId('store-pause-toggle').click();
      await adminOrders.getByTestId('store-pause-confirm').click();
      await until(adminOrders, () => document.querySelector('[data-testid="store-card"][data-store-code="ADW"]')?.getAttribute('data-paused') === 'true');
      await shot(adminOrders, 'admin-stores-paused');
      await untilBar(shop, 'ADW', 'closed', SERVICE_WAIT);
      const bar = await locationBar(shop);
      assert(/closed/i.test(bar.text) && !/store_closed/.test(bar.text), `location bar says "${bar.text}"`);
      await shot(shop, 'phone-store-closed');
    });

    await step('resumed, Andheri West is open again for the customer', async () => {
      const card = adminOrders.locator(`${byTest('store-card')}[data-store-code="ADW"]`);
      await card.getByTestId('store-pause-toggle').click();
      await until(adminOrders, () => document.querySelector('[data-testid="store-card"][data-store-code="ADW"]')?.getAttribute('data-paused') === 'false');
      await untilBar(shop, 'ADW', 'open', SERVICE_WAIT);
    });
  });
}

const started = Date.now();
let fatal = null;
try {
  await main();
} catch (err) {
  fatal = err;
}
const passed = results.filter((r) => r.status === 'passed').length;
const failed = results.filter((r) => r.status === 'failed').length + (fatal ? 1 : 0);
const skipped = results.filter((r) => r.status === 'skipped').length;
if (fatal) console.log(`\nE2E setup failed: ${fatal.stack ?? fatal}`);
console.log(`\nartifacts: ${ARTIFACTS} · ${((Date.now() - started) / 1000).toFixed(1)} s`);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);
