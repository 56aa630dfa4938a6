//! Customers' catalog searches, answered from memory: the products customers may see,
//! with an inverted index of their words ([`qc_domain::search`]), and each store's shelf
//! (stock, units sold, bin) beside them. A search is filtered, ranked, sorted and paged
//! here without a query; the databases' full-text search still answers admins (who see
//! inactive products and every store's stock together), and everything when the index
//! is off (`QC_SEARCH_INDEX=0`).
//!
//! Freshness:
//! - a catalog change made here (product, price, category, store) drops the index: the
//!   next search builds it again before answering;
//! - a stock change made here (orders, the admin's stock editor, the integration API) is
//!   written into the loaded shelf at once, so the next search sees it;
//! - what other instances (or the CLI) change is seen when the index or a shelf is older
//!   than `QC_SEARCH_REFRESH_MS` (the catalog TTL when `REDIS_URL` is set, else 60 s):
//!   the search that notices answers from what it has and starts a reload in the
//!   background (one at a time). With `QC_CATALOG_CACHE_MS=0` the index is off.
//! - units sold (the `popular` order) follow at that pace too.

use super::AppState;
use crate::api::ProductView;
use crate::error::{AppError, Result};
use chrono::{DateTime, Utc};
use qc_domain::search::{self, Fields, Index};
use qc_store::{ProductQuery, ProductSort};
use std::cmp::Ordering;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// A product of a result (its number in the index) and its search score.
type Match = (u32, u16);

/// How two products of a result compare.
type DocOrder<'a> = Box<dyn Fn(&Match, &Match) -> Ordering + 'a>;

/// A stock level written by this instance: `(store, product, stock)`.
pub struct StockWrite<'a> {
    pub store_id: &'a str,
    pub product_id: &'a str,
    pub stock: i64,
}

impl<'a> StockWrite<'a> {
    /// The levels a store write answered with.
    pub fn of(levels: &'a [qc_store::StockLevel]) -> Vec<StockWrite<'a>> {
        levels
            .iter()
            .map(|l| StockWrite {
                store_id: &l.store_id,
                product_id: &l.product_id,
                stock: l.stock,
            })
            .collect()
    }
}

pub struct SearchIndex {
    enabled: bool,
    ttl: Duration,
    built: RwLock<Option<Arc<Built>>>,
    /// Bumped by every catalog change made here: an index built before it is dropped.
    generation: AtomicU64,
    /// One build at a time; the others wait for it (or answer from the old index).
    building: tokio::sync::Mutex<()>,
    refreshing: Arc<AtomicBool>,
}

struct Built {
    generation: u64,
    at: Instant,
    /// In name order (then id): the order ties keep. Each product's id, and its JSON
    /// as answered but for its store's stock and bin ([`ProductView::json_head`]).
    product_ids: Vec<String>,
    heads: Vec<Box<str>>,
    price: Vec<i64>,
    created: Vec<DateTime<Utc>>,
    ids: HashMap<String, u32>,
    /// Category slug and id → category number; each product's number.
    categories: HashMap<String, u32>,
    category: Vec<u32>,
    index: Index,
    shelves: Mutex<HashMap<String, Slot>>,
    /// One shelf load at a time (they are rare: once a TTL per store searched).
    loading: tokio::sync::Mutex<()>,
}

struct Slot {
    /// None until the first load is in place.
    shelf: Option<Arc<Shelf>>,
    /// While a load of this shelf runs: the stock written meanwhile, applied again on
    /// top of what it read.
    written: Option<Vec<(u32, i64)>>,
}

struct Shelf {
    at: Instant,
    stock: Vec<AtomicI64>,
    sold: Vec<i64>,
    bin: Vec<Option<String>>,
}

impl SearchIndex {
    /// `ttl`: how old the index or a shelf may grow before it is read again; zero turns
    /// the index off (it would be read again for every search).
    pub fn new(enabled: bool, ttl: Duration) -> SearchIndex {
        SearchIndex {
            enabled: enabled && !ttl.is_zero(),
            ttl,
            built: RwLock::new(None),
            generation: AtomicU64::new(0),
            building: tokio::sync::Mutex::new(()),
            refreshing: Arc::default(),
        }
    }

    /// Products, prices, categories or stores changed here: build again before the next
    /// search.
    pub fn catalog_changed(&self) {
        self.generation.fetch_add(1, Relaxed);
    }

    /// Stock written here: into the loaded shelves at once.
    pub fn stock_changed(&self, writes: &[StockWrite<'_>]) {
        let Some(built) = self.current() else { return };
        built.write_stock(writes);
        // An index put in place meanwhile copied the shelves before these writes (it is
        // installed holding the old shelves' lock): write them there too.
        if let Some(now) = self.current()
            && !Arc::ptr_eq(&now, &built)
        {
            now.write_stock(writes);
        }
    }

    fn current(&self) -> Option<Arc<Built>> {
        self.built.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    fn fresh(&self, at: Instant) -> bool {
        at.elapsed() < self.ttl
    }

    /// A page of a customer's search at one store (its products as a JSON array) and the
    /// number of matches, or `None` when this query is not the index's to answer
    /// (admins' views, index off).
    pub async fn query(
        &self,
        state: &AppState,
        q: &ProductQuery,
    ) -> Option<Result<(Vec<u8>, i64)>> {
        let store = q.store_id.as_deref()?;
        if !self.enabled || q.include_inactive {
            return None;
        }
        Some(self.answer(state, q, store).await)
    }

    async fn answer(
        &self,
        state: &AppState,
        q: &ProductQuery,
        store: &str,
    ) -> Result<(Vec<u8>, i64)> {
        let built = self.index(state).await?;
        let shelf = built.shelf(state, store, self.ttl).await?;
        built.search(&shelf, q)
    }

    /// The index: built now when there is none or the catalog changed here; when only
    /// old, the current one while a new one is built in the background.
    async fn index(&self, state: &AppState) -> Result<Arc<Built>> {
        let generation = self.generation.load(Relaxed);
        if let Some(b) = self.current().filter(|b| b.generation == generation) {
            if !self.fresh(b.at) {
                self.refresh_later(state);
            }
            return Ok(b);
        }
        let _turn = self.building.lock().await;
        // Built by another search while this one waited?
        let generation = self.generation.load(Relaxed);
        if let Some(b) = self.current().filter(|b| b.generation == generation) {
            return Ok(b);
        }
        self.rebuild(state, generation).await
    }

    /// Build the index anew and put it in place, with the loaded shelves carried over
    /// (by product id; products it did not have read for every store in one query), so
    /// a rebuild never makes searches wait for shelves. Called holding `building`.
    async fn rebuild(&self, state: &AppState, generation: u64) -> Result<Arc<Built>> {
        let mut built = Built::load(state, generation).await?;
        let Some(old) = self.current() else {
            let built = Arc::new(built);
            *self.built.write().unwrap_or_else(|p| p.into_inner()) = Some(built.clone());
            return Ok(built);
        };
        let new_ids: Vec<String> = built
            .product_ids
            .iter()
            .filter(|id| !old.ids.contains_key(*id))
            .cloned()
            .collect();
        let lines = match new_ids.is_empty() {
            true => Vec::new(),
            false => state.store.stock_lines_of(&new_ids).await?,
        };
        let old_shelves = lock(&old.shelves);
        let mut shelves = HashMap::with_capacity(old_shelves.len());
        for (store, slot) in old_shelves.iter() {
            let Some(shelf) = &slot.shelf else { continue };
            let moved = built.carry(&old, shelf, lines.iter().filter(|(s, _)| s == store));
            shelves.insert(
                store.clone(),
                Slot {
                    shelf: Some(Arc::new(moved)),
                    written: None,
                },
            );
        }
        built.shelves = Mutex::new(shelves);
        let built = Arc::new(built);
        *self.built.write().unwrap_or_else(|p| p.into_inner()) = Some(built.clone());
        drop(old_shelves);
        Ok(built)
    }

    fn refresh_later(&self, state: &AppState) {
        if self.refreshing.swap(true, Relaxed) {
            return;
        }
        let (state, flag) = (state.clone(), self.refreshing.clone());
        tokio::spawn(async move {
            let ix = &state.search;
            {
                let _turn = ix.building.lock().await;
                let generation = ix.generation.load(Relaxed);
                if let Err(e) = ix.rebuild(&state, generation).await {
                    tracing::warn!(error = %e, "could not rebuild the search index");
                }
            }
            flag.store(false, Relaxed);
        });
    }
}

impl Built {
    async fn load(state: &AppState, generation: u64) -> Result<Built> {
        let mut products = state.store.visible_products().await?;
        products.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.id.cmp(&b.id)));
        let mut ids = HashMap::with_capacity(products.len());
        let mut categories = HashMap::new();
        let mut category = Vec::with_capacity(products.len());
        let mut numbers = 0_u32;
        for (i, p) in products.iter().enumerate() {
            ids.insert(p.id.clone(), i as u32);
            let n = *categories.entry(p.category_id.clone()).or_insert_with(|| {
                numbers += 1;
                numbers
            });
            categories.entry(p.category_slug.clone()).or_insert(n);
            category.push(n);
        }
        let index = Index::build(products.iter().map(|p| Fields {
            name: &p.name,
            brand: p.brand.as_deref().unwrap_or_default(),
            tags: &p.tags,
            description: &p.description,
        }));
        Ok(Built {
            generation,
            at: Instant::now(),
            price: products.iter().map(|p| p.price.minor()).collect(),
            created: products.iter().map(|p| p.created_at).collect(),
            product_ids: products.iter().map(|p| p.id.clone()).collect(),
            heads: products
                .iter()
                .map(|p| ProductView::from(p).json_head())
                .collect::<serde_json::Result<_>>()
                .map_err(|e| AppError::Internal(e.into()))?,
            ids,
            categories,
            category,
            index,
            shelves: Mutex::default(),
            loading: tokio::sync::Mutex::new(()),
        })
    }

    /// The store's shelf: loaded now the first time; when old, the loaded one while it
    /// is read again in the background.
    async fn shelf(
        self: &Arc<Self>,
        state: &AppState,
        store: &str,
        ttl: Duration,
    ) -> Result<Arc<Shelf>> {
        if let Some(shelf) = self.loaded(store) {
            if shelf.at.elapsed() >= ttl && self.start_load(store) {
                let (me, state, store) = (self.clone(), state.clone(), store.to_owned());
                tokio::spawn(async move {
                    let _turn = me.loading.lock().await;
                    if let Err(e) = me.load_shelf(&state, &store).await {
                        tracing::warn!(error = %e, "could not reload a store's shelf");
                    }
                });
            }
            return Ok(shelf);
        }
        let _turn = self.loading.lock().await;
        // Loaded by another search while this one waited?
        if let Some(shelf) = self.loaded(store) {
            return Ok(shelf);
        }
        self.start_load(store);
        self.load_shelf(state, store).await
    }

    fn write_stock(&self, writes: &[StockWrite<'_>]) {
        let mut shelves = lock(&self.shelves);
        for w in writes {
            let (Some(doc), Some(slot)) = (self.ids.get(w.product_id), shelves.get_mut(w.store_id))
            else {
                continue;
            };
            if let Some(shelf) = &slot.shelf {
                shelf.stock[*doc as usize].store(w.stock, Relaxed);
            }
            if let Some(log) = &mut slot.written {
                log.push((*doc, w.stock));
            }
        }
    }

    /// `old`'s shelf of a store, in this index's numbering, with `lines` (the store's
    /// lines of products `old` did not have) filled in.
    fn carry<'a>(
        &self,
        old: &Built,
        shelf: &Shelf,
        lines: impl Iterator<Item = &'a (String, qc_store::ShelfLine)>,
    ) -> Shelf {
        let n = self.product_ids.len();
        let (mut stock, mut sold, mut bin) = (vec![0_i64; n], vec![0_i64; n], vec![None; n]);
        for (d, id) in self.product_ids.iter().enumerate() {
            if let Some(&o) = old.ids.get(id) {
                let o = o as usize;
                stock[d] = shelf.stock[o].load(Relaxed);
                sold[d] = shelf.sold[o];
                bin[d] = shelf.bin[o].clone();
            }
        }
        for (_, l) in lines {
            if let Some(&d) = self.ids.get(&l.product_id) {
                let d = d as usize;
                (stock[d], sold[d], bin[d]) = (l.stock, l.sold, l.bin.clone());
            }
        }
        Shelf {
            at: shelf.at,
            stock: stock.into_iter().map(AtomicI64::new).collect(),
            sold,
            bin,
        }
    }

    fn loaded(&self, store: &str) -> Option<Arc<Shelf>> {
        lock(&self.shelves).get(store).and_then(|s| s.shelf.clone())
    }

    /// Start logging the stock written to `store` (a load begins); false when a load
    /// already runs.
    fn start_load(&self, store: &str) -> bool {
        let mut shelves = lock(&self.shelves);
        let slot = shelves.entry(store.to_owned()).or_insert(Slot {
            shelf: None,
            written: None,
        });
        if slot.written.is_some() {
            return false;
        }
        slot.written = Some(Vec::new());
        true
    }

    /// Read the store's shelf and put it in place, with the stock written here while it
    /// was being read applied on top. Called holding `loading`, after `start_load`.
    async fn load_shelf(&self, state: &AppState, store: &str) -> Result<Arc<Shelf>> {
        let lines = match state.store.store_shelf(store).await {
            Ok(lines) => lines,
            Err(e) => {
                if let Some(slot) = lock(&self.shelves).get_mut(store) {
                    slot.written = None;
                }
                return Err(e.into());
            }
        };
        let n = self.product_ids.len();
        let mut stock = vec![0_i64; n];
        let mut sold = vec![0_i64; n];
        let mut bin = vec![None; n];
        for l in lines {
            if let Some(&d) = self.ids.get(&l.product_id) {
                let d = d as usize;
                (stock[d], sold[d], bin[d]) = (l.stock, l.sold, l.bin);
            }
        }
        let shelf = Shelf {
            at: Instant::now(),
            stock: stock.into_iter().map(AtomicI64::new).collect(),
            sold,
            bin,
        };
        let mut shelves = lock(&self.shelves);
        let slot = shelves.entry(store.to_owned()).or_insert(Slot {
            shelf: None,
            written: None,
        });
        for (d, s) in slot.written.take().unwrap_or_default() {
            shelf.stock[d as usize].store(s, Relaxed);
        }
        let shelf = Arc::new(shelf);
        slot.shelf = Some(shelf.clone());
        Ok(shelf)
    }

    /// The page of `q` (as a JSON array of products) and the number of matches.
    fn search(&self, shelf: &Shelf, q: &ProductQuery) -> Result<(Vec<u8>, i64)> {
        let category = match &q.category {
            Some(c) => match self.categories.get(c) {
                Some(n) => Some(*n),
                None => return Ok((b"[]".to_vec(), 0)),
            },
            None => None,
        };
        let stock = |d: usize| shelf.stock[d].load(Relaxed);
        let (lo, hi) = (
            q.min_price.map_or(i64::MIN, |m| m.minor()),
            q.max_price.map_or(i64::MAX, |m| m.minor()),
        );
        let wanted = |d: usize| {
            category.is_none_or(|c| self.category[d] == c)
                && (lo..=hi).contains(&self.price[d])
                && (!q.in_stock || stock(d) > 0)
        };
        // A search visits only the products its words match, each with its score;
        // browsing without one visits every product.
        let matches: Vec<(u32, u16)> = match &q.search {
            Some(text) => {
                let mut found = self.index.matches(&search::terms(text));
                found.retain(|(d, _)| wanted(*d as usize));
                found
            }
            None => (0..self.product_ids.len())
                .filter(|&d| wanted(d))
                .map(|d| (d as u32, 0))
                .collect(),
        };
        let total = matches.len() as i64;
        let (price, created, ids) = (&self.price, &self.created, &self.product_ids);
        // Document order is name order: it breaks every tie, as the SQL's `p.name`.
        let by_doc = |a: &Match, b: &Match| a.0.cmp(&b.0);
        let searched = q.search.is_some();
        let cmp: DocOrder<'_> = match q.sort {
            ProductSort::Relevance if searched => {
                Box::new(move |a, b| b.1.cmp(&a.1).then_with(|| by_doc(a, b)))
            }
            ProductSort::Relevance | ProductSort::Popular => Box::new(move |a, b| {
                shelf.sold[b.0 as usize]
                    .cmp(&shelf.sold[a.0 as usize])
                    .then_with(|| by_doc(a, b))
            }),
            ProductSort::PriceAsc => Box::new(move |a, b| {
                price[a.0 as usize]
                    .cmp(&price[b.0 as usize])
                    .then_with(|| by_doc(a, b))
            }),
            ProductSort::PriceDesc => Box::new(move |a, b| {
                price[b.0 as usize]
                    .cmp(&price[a.0 as usize])
                    .then_with(|| by_doc(a, b))
            }),
            ProductSort::Name => Box::new(by_doc),
            ProductSort::Newest => Box::new(move |a, b| {
                let (x, y) = (a.0 as usize, b.0 as usize);
                created[y]
                    .cmp(&created[x])
                    .then_with(|| ids[y].cmp(&ids[x]))
            }),
        };
        let offset = usize::try_from(q.offset).unwrap_or(usize::MAX);
        let limit = usize::try_from(q.limit).unwrap_or(0);
        let page = search::page(matches, offset, limit, |a, b| cmp(a, b));
        // The page as a JSON array: each product's head and its stock and bin here.
        let mut products = Vec::with_capacity(page.len() * 640 + 2);
        products.push(b'[');
        for (i, (d, _)) in page.into_iter().enumerate() {
            let d = d as usize;
            if i > 0 {
                products.push(b',');
            }
            let stock = stock(d);
            // Every product here may be ordered (active, in an active category).
            let (head, bin) = (&self.heads[d], shelf.bin[d].as_deref());
            ProductView::finish_json(head, stock, stock > 0, bin, &mut products)
                .map_err(|e| AppError::Internal(e.into()))?;
        }
        products.push(b']');
        Ok((products, total))
    }
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex")
            .field("enabled", &self.enabled)
            .field("ttl", &self.ttl)
            .finish_non_exhaustive()
    }
}
