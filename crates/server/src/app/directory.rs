//! The stores as the services use them: parsed zones, hours and settings in memory, and
//! each store's live load — so a serviceability check or a promise costs no query.
//!
//! The snapshot of stores is reloaded when this instance changes a store and every
//! [`STORES_EVERY`] (changes made on another instance); a store id a request names that
//! the snapshot does not know reloads it first when the database has that store
//! ([`Directory::find`]: a store opened on another instance a moment ago is found, not
//! 404). Loads are refreshed from two
//! grouped queries at most every [`LOAD_DIRTY_EVERY`] after an order change made here,
//! and at least every [`LOAD_EVERY`] — never per request.

use chrono::{DateTime, Utc};
use qc_domain::GeoPoint;
use qc_domain::store::{Load, OpeningHours, Promise, PromiseSettings, StoreState, Zone};
use qc_store::{SharedStore, StoreRecord};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::Duration;
use tokio::sync::Notify;

/// How often the stores are reloaded whatever happens.
pub const STORES_EVERY: Duration = Duration::from_secs(10);
/// How often loads are refreshed whatever happens.
pub const LOAD_EVERY: Duration = Duration::from_secs(3);
/// After a change made here, loads are refreshed within this.
pub const LOAD_DIRTY_EVERY: Duration = Duration::from_millis(200);

/// A store's settings: the promise figures, and the choices later features read.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct StoreSettings {
    #[serde(flatten)]
    pub promise: PromiseSettings,
    #[serde(flatten)]
    pub dispatch: qc_domain::dispatch::DispatchSettings,
    /// `on`: orders are picked and packed by the store's pickers before a rider may take
    /// them; `off` (default): the rider picks up at once.
    pub fulfilment: FulfilmentMode,
}

/// Whether a store picks and packs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FulfilmentMode {
    On,
    #[default]
    Off,
}

impl StoreSettings {
    pub fn fulfilment_on(&self) -> bool {
        self.fulfilment == FulfilmentMode::On
    }
}

/// A store, checked and ready to answer questions.
#[derive(Debug, Clone)]
pub struct StoreInfo {
    pub record: StoreRecord,
    pub location: GeoPoint,
    pub zone: Zone,
    pub hours: OpeningHours,
    pub settings: StoreSettings,
}

impl StoreInfo {
    /// `None` for a store that cannot serve yet (no location, no valid zone or hours):
    /// such a store is skipped and logged.
    pub fn new(record: StoreRecord) -> Option<StoreInfo> {
        let location = record.location?;
        let zone = Zone::parse(record.zone.as_ref(), &record.zip_codes).ok()?;
        let hours = OpeningHours::parse(&record.timezone, &record.hours).ok()?;
        let settings = serde_json::from_value(record.settings.clone()).unwrap_or_default();
        Some(StoreInfo {
            record,
            location,
            zone,
            hours,
            settings,
        })
    }

    pub fn id(&self) -> &str {
        &self.record.id
    }
}

/// What a store can promise an address now.
#[derive(Debug, Clone)]
pub struct Quote {
    pub store: Arc<StoreInfo>,
    pub state: StoreState,
    pub promise: Promise,
    /// Store to the address, when the address has coordinates.
    pub distance_m: Option<f64>,
}

/// Why nobody can deliver to an address now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    OutsideServiceArea,
    StoreClosed,
    StoreBusy,
}

impl Refusal {
    pub fn code(self) -> &'static str {
        match self {
            Refusal::OutsideServiceArea => "outside_service_area",
            Refusal::StoreClosed => "store_closed",
            Refusal::StoreBusy => "store_busy",
        }
    }
}

/// Distance assumed for an address known only by its zip code.
const ZIP_ONLY_DISTANCE_M: f64 = 2_500.0;

#[derive(Default)]
struct Snapshot {
    stores: Vec<Arc<StoreInfo>>,
    by_id: HashMap<String, Arc<StoreInfo>>,
    by_zip: HashMap<String, Vec<Arc<StoreInfo>>>,
}

/// Every store and its load.
pub struct Directory {
    store: SharedStore,
    snapshot: RwLock<Arc<Snapshot>>,
    loads: RwLock<HashMap<String, Load>>,
    /// Pick times measured from each store's recent packed orders:
    /// `(base minutes, seconds per item)`, once there is enough history.
    measured: RwLock<HashMap<String, (f64, f64)>>,
    load_dirty: Notify,
    stores_dirty: Notify,
    /// Held while a reload for an unknown id runs; when the last one started.
    miss_reload: tokio::sync::Mutex<Option<std::time::Instant>>,
    rider_speed_kmh: f64,
}

impl Directory {
    pub fn new(store: SharedStore, rider_speed_kmh: f64) -> Directory {
        Directory {
            store,
            snapshot: RwLock::default(),
            loads: RwLock::default(),
            measured: RwLock::default(),
            load_dirty: Notify::new(),
            stores_dirty: Notify::new(),
            miss_reload: tokio::sync::Mutex::new(None),
            rider_speed_kmh,
        }
    }

    fn snap(&self) -> Arc<Snapshot> {
        self.snapshot
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Reload the stores from the database.
    pub async fn reload(&self) -> qc_store::StoreResult<()> {
        let records = self.store.list_stores().await?;
        let before = self.snap();
        let mut snap = Snapshot::default();
        for r in records {
            let id = r.id.clone();
            // An unchanged store keeps its parsed zone (a reload after one change among
            // a thousand stores parses one zone, not a thousand).
            let unchanged = before
                .by_id
                .get(&id)
                .filter(|old| old.record.updated_at == r.updated_at && old.record == r)
                .cloned();
            let info = match unchanged {
                Some(info) => info,
                None => match StoreInfo::new(r) {
                    Some(info) => Arc::new(info),
                    None => {
                        tracing::warn!(store_id = %id, "a store without a valid location, zone or hours is skipped");
                        continue;
                    }
                },
            };
            for z in info.zone.zip_codes() {
                snap.by_zip.entry(z.clone()).or_default().push(info.clone());
            }
            snap.by_id.insert(id, info.clone());
            snap.stores.push(info);
        }
        *self.snapshot.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(snap);
        Ok(())
    }

    /// Refresh every store's load from the database.
    pub async fn refresh_loads(&self) -> qc_store::StoreResult<()> {
        let rows = self.store.store_loads().await?;
        let loads = rows
            .into_iter()
            .map(|r| {
                (
                    r.store_id,
                    Load {
                        unpicked: r.unpicked,
                        waiting_for_rider: r.waiting_for_rider,
                        riders_available: r.riders_available,
                        riders_busy: r.riders_busy,
                    },
                )
            })
            .collect();
        *self.loads.write().unwrap_or_else(|p| p.into_inner()) = loads;
        Ok(())
    }

    /// Measure each store's pick times from its packed orders of the last 7 days.
    pub async fn refresh_pick_times(&self) -> qc_store::StoreResult<()> {
        let since = chrono::Utc::now() - chrono::Duration::days(7);
        let rows = self.store.pick_history(since).await?;
        let snap = self.snap();
        let measured = rows
            .into_iter()
            .filter_map(|(id, h)| {
                let fallback = snap
                    .by_id
                    .get(&id)
                    .map_or(12.0, |s| s.settings.promise.pick_per_item_seconds);
                qc_domain::fulfilment::measured_pick_times(&h, fallback).map(|m| (id, m))
            })
            .collect();
        *self.measured.write().unwrap_or_else(|p| p.into_inner()) = measured;
        Ok(())
    }

    /// The pick times a store's promise uses: `(base minutes, seconds per item,
    /// measured)` — measured for a store that picks once it has enough history, else its
    /// settings.
    pub fn pick_times(&self, store: &StoreInfo) -> (f64, f64, bool) {
        let measured = store
            .settings
            .fulfilment_on()
            .then(|| {
                self.measured
                    .read()
                    .unwrap_or_else(|p| p.into_inner())
                    .get(store.id())
                    .copied()
            })
            .flatten();
        match measured {
            Some((base, per_item)) => (base, per_item, true),
            None => (
                store.settings.promise.pick_base_minutes,
                store.settings.promise.pick_per_item_seconds,
                false,
            ),
        }
    }

    /// An order or a rider changed here: loads are refreshed soon.
    pub fn load_changed(&self) {
        self.load_dirty.notify_one();
    }

    /// A store changed here: the snapshot is reloaded at once.
    pub fn stores_changed(&self) {
        self.stores_dirty.notify_one();
    }

    /// Keep the snapshot and the loads fresh (see the module's doc).
    pub fn spawn_refresh(self: &Arc<Self>) {
        let me = self.clone();
        tokio::spawn(async move {
            loop {
                if let Err(e) = me.refresh_loads().await {
                    tracing::warn!(error = %e, "could not refresh store loads");
                }
                tokio::select! {
                    () = me.load_dirty.notified() => tokio::time::sleep(LOAD_DIRTY_EVERY).await,
                    () = tokio::time::sleep(LOAD_EVERY) => {}
                }
            }
        });
        let me = self.clone();
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    () = me.stores_dirty.notified() => {}
                    () = tokio::time::sleep(STORES_EVERY) => {}
                }
                if let Err(e) = me.reload().await {
                    tracing::warn!(error = %e, "could not reload stores");
                }
                if let Err(e) = me.refresh_pick_times().await {
                    tracing::warn!(error = %e, "could not measure pick times");
                }
            }
        });
    }

    pub fn all(&self) -> Vec<Arc<StoreInfo>> {
        self.snap().stores.clone()
    }

    pub fn get(&self, id: &str) -> Option<Arc<StoreInfo>> {
        self.snap().by_id.get(id).cloned()
    }

    /// A store by an id a request names: from the snapshot, else — when the database has
    /// it (a store made on another instance since the last reload) — after reloading the
    /// snapshot. An id nobody made costs one point query, never a reload; concurrent
    /// misses share one reload.
    pub async fn find(&self, id: &str) -> qc_store::StoreResult<Option<Arc<StoreInfo>>> {
        if let Some(found) = self.get(id) {
            return Ok(Some(found));
        }
        if self.store.store_by_id(id).await?.is_none() {
            return Ok(None);
        }
        let asked = std::time::Instant::now();
        let mut last = self.miss_reload.lock().await;
        // A reload that started after this request (another miss's, while this one
        // waited) already holds the store.
        if !last.is_some_and(|at| at >= asked) {
            *last = Some(std::time::Instant::now());
            self.reload().await?;
        }
        Ok(self.get(id))
    }

    pub fn first(&self) -> Option<Arc<StoreInfo>> {
        self.snap().stores.first().cloned()
    }

    pub fn count(&self) -> usize {
        self.snap().stores.len()
    }

    pub fn load(&self, store_id: &str) -> Load {
        self.loads
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(store_id)
            .copied()
            .unwrap_or_default()
    }

    /// The store's state and promise for an address `distance_m` away, `items` items.
    pub fn quote_store(
        &self,
        store: &Arc<StoreInfo>,
        distance_m: Option<f64>,
        items: u32,
        now: DateTime<Utc>,
    ) -> Quote {
        let (base, per_item, _) = self.pick_times(store);
        let settings = qc_domain::store::PromiseSettings {
            pick_base_minutes: base,
            pick_per_item_seconds: per_item,
            ..store.settings.promise
        };
        let promise = qc_domain::store::promise(
            &settings,
            &self.load(store.id()),
            items,
            distance_m.unwrap_or(ZIP_ONLY_DISTANCE_M),
            self.rider_speed_kmh,
        );
        let state = if store.record.paused || !store.hours.is_open(now) {
            StoreState::Closed
        } else if store.settings.promise.max_promise_minutes > 0
            && promise.minutes > store.settings.promise.max_promise_minutes
        {
            StoreState::Busy
        } else {
            StoreState::Open
        };
        Quote {
            store: store.clone(),
            state,
            promise,
            distance_m,
        }
    }

    /// The store that serves an address (its area holds the point, or it lists the zip
    /// code; with a single store, also an address without coordinates) and what it
    /// promises. Where zones overlap, an open store beats a busy one beats a closed one,
    /// then the earliest promise wins, then the nearest. `Err` with the best store that
    /// cannot take orders now, if any, and why.
    pub fn quote(
        &self,
        point: Option<GeoPoint>,
        zip: Option<&str>,
        items: u32,
        now: DateTime<Utc>,
    ) -> Result<Quote, (Refusal, Option<Quote>)> {
        let snap = self.snap();
        // A store serves the address if its area holds the point, or it lists the zip
        // code and the point cannot say (the address has none, or the store has no
        // drawn area): a pin far outside a zone is not served for its zip code.
        let mut candidates: Vec<Arc<StoreInfo>> = match point {
            Some(p) => snap
                .stores
                .iter()
                .filter(|s| s.zone.contains(p))
                .cloned()
                .collect(),
            None => Vec::new(),
        };
        if let Some(listed) = zip.and_then(|z| snap.by_zip.get(&qc_domain::store::normalise_zip(z)))
        {
            for s in listed {
                if point.is_some() && s.zone.has_area() {
                    continue;
                }
                if !candidates.iter().any(|c| c.id() == s.id()) {
                    candidates.push(s.clone());
                }
            }
        }
        // An address without coordinates whose zip code no store lists cannot be placed;
        // an operator with a single store serves it anyway (as before there were many).
        if candidates.is_empty() && point.is_none() && snap.stores.len() == 1 {
            candidates.extend(snap.stores.first().cloned());
        }
        let mut quotes: Vec<Quote> = candidates
            .iter()
            .map(|s| {
                let d = point.map(|p| s.location.distance_m(p));
                self.quote_store(s, d, items, now)
            })
            .collect();
        let rank = |q: &Quote| {
            let state = match q.state {
                StoreState::Open => 0,
                StoreState::Busy => 1,
                StoreState::Closed => 2,
            };
            (state, q.promise.minutes, q.distance_m.unwrap_or(0.0) as i64)
        };
        quotes.sort_by_key(rank);
        let Some(best) = quotes.into_iter().next() else {
            return Err((Refusal::OutsideServiceArea, None));
        };
        match best.state {
            StoreState::Open => Ok(best),
            StoreState::Busy => Err((Refusal::StoreBusy, Some(best))),
            StoreState::Closed => Err((Refusal::StoreClosed, Some(best))),
        }
    }
}
