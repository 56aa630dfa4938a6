/*
 * The boot script: index.html loads it (async, from the app's own origin as the CSP
 * wants: no inline script) before the app's code. vite.config.ts (qc-route-preload)
 * writes it to dist/assets/boot-<hash>.js with the chunks of every route filled in
 * (`routes` below); a syntax error fails the build.
 *
 * It reads the address and the stored session, and
 *  - adds `<link rel="modulepreload">` for the opened page's own chunks, so they do not
 *    wait for the entry to run;
 *  - with a session, starts the page's first GETs with it: the session check; for the
 *    customer, the saved addresses, the serviceability of the place (the one kept for this
 *    user, else the default address once the addresses are in), on the shop's front page
 *    the categories and the first page of products of the store serving that place (its
 *    first pictures too), on a tracking page the order and its tracking. The API client
 *    (src/lib/api-client.ts) takes these answers instead of asking again, by path and query
 *    string, so they must be asked exactly as the app asks them (see catalog-api.ts,
 *    use-product-list.ts, utils/place.ts).
 */
(function () {
  var routes = __ROUTES__;
  var path = location.pathname;
  var token = null;
  try {
    token = localStorage.getItem('qc.token');
  } catch (e) {}
  var key =
    path === '/register' ? 'register'
    : path === '/set-password' ? 'set-password'
    : path === '/login' ? (token ? null : 'login')
    : !token ? 'login'
    : path.indexOf('/partner') === 0 ? 'delivery'
    : path.indexOf('/admin') === 0 ? 'admin'
    : path.indexOf('/picker') === 0 ? 'picker'
    : path.indexOf('/orders/') === 0 && path.length > 8 ? 'customer-tracking'
    : path === '/orders' || path === '/orders/' ? 'customer-orders'
    : path.indexOf('/checkout') === 0 ? 'customer-checkout'
    : path.indexOf('/profile') === 0 ? 'customer-profile'
    : path.indexOf('/product/') === 0 ? 'customer-product'
    : path === '/' || path === '' ? 'customer-catalog'
    : 'customer';
  // The signed-in user and role (the token's claims): another role's pages are not
  // preloaded, and no customer-only GET is made for an admin on an unknown path.
  var claims = null;
  try {
    claims = JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
  } catch (e) {}
  var role = claims && claims.role;
  if (key && key.indexOf('customer') === 0 && role && role !== 'customer') key = null;

  // The route, for the app: it runs the page's own code before its first render (main.tsx).
  window.__qcRoute = key;
  if (key) {
    var files = routes[key] || [];
    for (var i = 0; i < files.length; i++) {
      var link = document.createElement('link');
      link.rel = 'modulepreload';
      link.crossOrigin = '';
      link.setAttribute('fetchpriority', 'low');
      link.href = files[i];
      document.head.appendChild(link);
    }
  }
  if (!token || !key || typeof fetch !== 'function') return;

  var early = (window.__qcEarly = {});
  var pending = [];
  /**
   * A GET with the session, kept for the app under its path and query string: the answer
   * (`response`) and, once read, its JSON when it succeeded (`data`), which the app's
   * first render may show at once (api-client.ts takeEarlyData).
   */
  function get(url) {
    var response = fetch(url, { headers: { Accept: 'application/json', Authorization: 'Bearer ' + token } });
    var entry = (early[url] = { token: token, response: response });
    var body = json(response);
    body.then(function (data) {
      if (data) entry.data = data;
    });
    pending.push(body);
    return body;
  }
  /** The JSON of a successful answer (read from a copy: the app reads the answer itself), else null. */
  function json(response) {
    return response.then(function (res) {
      return res.ok ? res.clone().json() : null;
    }).then(function (body) {
      return body && body.success !== false ? body : null;
    }, function () {
      return null;
    });
  }
  /** Settles once every GET above (those started from the answers of others too) is read. */
  function settled() {
    var count = pending.length;
    return Promise.all(pending).then(function () {
      return pending.length === count ? undefined : settled();
    });
  }
  function query(params) {
    var q = new URLSearchParams();
    for (var k in params) if (params[k] !== undefined && params[k] !== null && params[k] !== '') q.set(k, String(params[k]));
    return q.toString();
  }

  // The session check at once; the customer's GETs in a task of their own (two short tasks
  // rather than one long one: each fetch() costs the main thread a little).
  var done;
  // The app waits for these (a moment at most) before its first render: it then renders
  // the page with its content in one go, rather than screen after screen.
  window.__qcEarlyReady = new Promise(function (resolve) {
    done = resolve;
  });
  try {
    get('/api/auth/me');
  } catch (e) {}
  setTimeout(function () {
    try {
      if (key.indexOf('customer') === 0) customer();
    } catch (e) {}
    settled().then(done, done);
  }, 0);

  /** The customer's first GETs: addresses, serviceability, the catalog or the tracked order. */
  function customer() {
    var addresses = get('/api/customer/addresses');
    if (key === 'customer-catalog') get('/api/customer/categories');
    if (key === 'customer-tracking') {
      var order = '/api/customer/orders/' + path.split('/')[2];
      get(order);
      get(order + '/tracking');
    }

    // The place being shopped for, as src/features/customer/utils/place.ts keeps it.
    var place = null;
    try {
      place = claims && claims.sub ? JSON.parse(localStorage.getItem('qc.place.' + claims.sub) || 'null') : null;
    } catch (e) {}
    var stored = serviceOf(place);
    var service = (stored ? Promise.resolve(stored) : addresses.then(function (body) {
      // No place kept: the default address (else the first), as resolvePlace() picks it.
      var list = (body && body.addresses) || [];
      var chosen = null;
      for (var j = 0; j < list.length; j++) {
        if (list[j].isDefault) {
          chosen = list[j];
          break;
        }
      }
      chosen = chosen || list[0];
      return chosen ? { addressId: chosen.id } : null;
    })).then(function (q) {
      return q ? get('/api/customer/serviceability?' + query(q)) : null;
    });
    pending.push(service);

    // The shop's front page with its default filters: the first page of products of the
    // store serving the place (useProductList's first request), then its first pictures.
    if (key === 'customer-catalog' && !location.search) {
      service.then(function (res) {
        var store = res && res.store && res.store.id;
        if (!store) return null;
        return get('/api/customer/products?' + query({ sort: 'popular', storeId: store, page: 1, limit: 24 }));
      }).then(function (res) {
        var products = (res && res.products) || [];
        // The pictures of the first rows (catalog-page.tsx's EAGER_IMAGES), fetched at once.
        var images = (window.__qcEarlyImages = []);
        for (var n = 0; n < products.length && n < 6; n++) {
          if (typeof products[n].imageUrl !== 'string') continue;
          var img = new Image();
          img.fetchPriority = 'high';
          img.src = products[n].imageUrl;
          images.push(img);
        }
      });
    }
  }

  /** What `GET /api/customer/serviceability` is asked about a kept place (utils/place.ts serviceQuery). */
  function serviceOf(p) {
    var finite = function (n) {
      return typeof n === 'number' && isFinite(n);
    };
    if (!p || typeof p !== 'object') return null;
    if (p.kind === 'address' && typeof p.addressId === 'string' && p.addressId) return { addressId: p.addressId };
    if (p.kind === 'point' && finite(p.lat) && finite(p.lng) && Math.abs(p.lat) <= 90 && Math.abs(p.lng) <= 180) {
      return { lat: Number(p.lat.toFixed(6)), lng: Number(p.lng.toFixed(6)) };
    }
    if (p.kind === 'zip' && typeof p.zipCode === 'string' && /^\d{6}$/.test(p.zipCode)) return { zipCode: p.zipCode };
    return null;
  }
})();
