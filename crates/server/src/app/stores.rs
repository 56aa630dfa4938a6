//! Stores: the public list, serviceability and the promise, which store a catalog or
//! cart is for, the admin's store editor and live load, and the store a single-store
//! database was migrated into.

use super::AppState;
use super::directory::{Quote, Refusal, StoreInfo, StoreSettings};
use crate::api::*;
use crate::auth::AuthUser;
use crate::error::{AppError, Result};
use chrono::{DateTime, Utc};
use qc_domain::GeoPoint;
use qc_domain::ValidationErrors;
use qc_domain::store::{OpeningHours, StoreState, TYPICAL_ITEMS, Zone, circle_zone};
use qc_store::{NewStore, StorePatch, StoreRecord};
use std::sync::Arc;

fn store_not_found() -> AppError {
    AppError::not_found("store_not_found", "No such store.")
}

/// The store whose catalog a customer's socket follows (`catalog:watch`): any store a
/// customer may browse.
pub async fn watched(state: &AppState, store_id: &str) -> Result<StoreRef> {
    let store = state
        .stores
        .find(store_id)
        .await?
        .ok_or_else(store_not_found)?;
    Ok(store_ref(&store))
}

pub fn store_ref(s: &StoreInfo) -> StoreRef {
    StoreRef {
        id: s.record.id.clone(),
        name: s.record.name.clone(),
        code: s.record.code.clone(),
    }
}

/// A store's state now (for a typical order 2.5 km away).
fn state_now(state: &AppState, s: &Arc<StoreInfo>) -> StoreState {
    state
        .stores
        .quote_store(s, None, TYPICAL_ITEMS, Utc::now())
        .state
}

/// Every store, for anyone: where it is and whether it takes orders now.
pub fn public_list(state: &AppState) -> Vec<StorePublicView> {
    state
        .stores
        .all()
        .iter()
        .map(|s| StorePublicView {
            id: s.record.id.clone(),
            name: s.record.name.clone(),
            code: s.record.code.clone(),
            location: LocationPoint {
                lat: s.location.lat,
                lng: s.location.lng,
            },
            state: state_now(state, s).as_str().to_owned(),
        })
        .collect()
}

/// Where an address is, as far as serviceability goes.
pub struct Place {
    pub point: Option<GeoPoint>,
    pub zip: Option<String>,
}

impl Place {
    pub fn of(address: &qc_domain::Address) -> Place {
        Place {
            point: address.point(),
            zip: Some(address.zip_code.clone()),
        }
    }
}

/// The place a serviceability query names (a point, a zip code or a saved address).
async fn place_of(
    state: &AppState,
    who: Option<&AuthUser>,
    q: &ServiceabilityQuery,
) -> Result<Place> {
    if let Some(id) = q.address_id.as_deref() {
        let Some(who) = who else {
            return Err(ValidationErrors::one(
                "addressId",
                "needs signing in: use /api/customer/serviceability",
            )
            .into());
        };
        let saved =
            state.store.address(&who.id, id).await?.ok_or_else(|| {
                AppError::not_found("address_not_found", "No such saved address.")
            })?;
        return Ok(Place::of(&saved.address));
    }
    match (q.lat, q.lng, q.zip_code.as_deref().map(str::trim)) {
        (Some(lat), Some(lng), _) => Ok(Place {
            point: Some(GeoPoint::parse(lat, lng)?),
            zip: None,
        }),
        (None, None, Some(zip)) if !zip.is_empty() => Ok(Place {
            point: None,
            zip: Some(zip.to_owned()),
        }),
        _ => {
            Err(ValidationErrors::one("lat", "give lat and lng, a zipCode, or an addressId").into())
        }
    }
}

fn promise_view(q: &Quote, now: DateTime<Utc>) -> PromiseView {
    PromiseView {
        minutes: q.promise.minutes,
        deliver_by: now + chrono::Duration::minutes(i64::from(q.promise.minutes)),
    }
}

/// `GET /api/customer/serviceability`: which store serves a place, whether it can take
/// an order now, and the time it promises.
pub async fn serviceability(
    state: &AppState,
    who: Option<&AuthUser>,
    q: ServiceabilityQuery,
) -> Result<ServiceabilityResponse> {
    let place = place_of(state, who, &q).await?;
    let now = Utc::now();
    let answer = match state
        .stores
        .quote(place.point, place.zip.as_deref(), TYPICAL_ITEMS, now)
    {
        Ok(quote) => ServiceabilityResponse {
            success: true,
            serviceable: true,
            store: Some(store_ref(&quote.store)),
            state: Some(quote.state.as_str().to_owned()),
            promise: Some(promise_view(&quote, now)),
            reason: None,
        },
        Err((why, quote)) => ServiceabilityResponse {
            success: true,
            serviceable: false,
            store: quote.as_ref().map(|q| store_ref(&q.store)),
            state: quote.as_ref().map(|q| q.state.as_str().to_owned()),
            promise: quote
                .as_ref()
                .filter(|q| q.state == StoreState::Busy)
                .map(|q| promise_view(q, now)),
            reason: Some(why.code().to_owned()),
        },
    };
    Ok(answer)
}

/// The error for an address nobody can deliver to now.
pub fn refusal_error(why: Refusal, quote: Option<&Quote>) -> AppError {
    match why {
        Refusal::OutsideServiceArea => {
            AppError::unprocessable("not_serviceable", "We don't deliver to this address yet.")
        }
        Refusal::StoreClosed => {
            let name = quote
                .map(|q| q.store.record.name.clone())
                .unwrap_or_default();
            AppError::conflict(
                "store_closed",
                format!("{name} is closed right now. Please order when it opens."),
            )
        }
        Refusal::StoreBusy => {
            let (name, minutes) = quote
                .map(|q| (q.store.record.name.clone(), q.promise.minutes))
                .unwrap_or_default();
            AppError::Conflict {
                code: "store_busy",
                message: format!(
                    "{name} is very busy: it could only deliver in about {minutes} minutes, \
                     longer than it promises. Please try again in a little while."
                ),
                details: Some(serde_json::json!({ "promise": { "minutes": minutes } })),
            }
        }
    }
}

/// Which store a catalog or cart is for: the given store; else the store serving the
/// given saved address or point (even if it is closed or busy now); else the store
/// serving the customer's default address; else the first store.
pub async fn resolve(state: &AppState, who: &AuthUser, hint: &StoreHint) -> Result<Arc<StoreInfo>> {
    if let Some(id) = hint.store_id.as_deref().filter(|s| !s.is_empty()) {
        return state.stores.find(id).await?.ok_or_else(store_not_found);
    }
    let place = match (hint.address_id.as_deref(), hint.lat, hint.lng) {
        (Some(id), _, _) => Some(Place::of(
            &state
                .store
                .address(&who.id, id)
                .await?
                .ok_or_else(|| AppError::not_found("address_not_found", "No such saved address."))?
                .address,
        )),
        (None, Some(lat), Some(lng)) => Some(Place {
            point: Some(GeoPoint::parse(lat, lng)?),
            zip: None,
        }),
        _ => None,
    };
    let place = match place {
        Some(p) => Some(p),
        None => state
            .store
            .list_addresses(&who.id)
            .await?
            .into_iter()
            .find(|a| a.is_default)
            .map(|a| Place::of(&a.address)),
    };
    if let Some(place) = place {
        match state
            .stores
            .quote(place.point, place.zip.as_deref(), TYPICAL_ITEMS, Utc::now())
        {
            Ok(q) | Err((_, Some(q))) => return Ok(q.store),
            Err(_) => {}
        }
    }
    state.stores.first().ok_or_else(|| {
        AppError::unprocessable(
            "no_store",
            "No store is set up yet. An admin adds one first.",
        )
    })
}

/// A store given by id, required when there is more than one store (admin stock edits).
pub async fn given_or_only(state: &AppState, store_id: Option<&str>) -> Result<Arc<StoreInfo>> {
    match store_id.filter(|s| !s.is_empty()) {
        Some(id) => state.stores.find(id).await?.ok_or_else(store_not_found),
        None if state.stores.count() == 1 => state.stores.first().ok_or_else(store_not_found),
        None => Err(
            ValidationErrors::one("storeId", "is required: there is more than one store").into(),
        ),
    }
}

// ----------------------------------------------------------------------------- admin

fn admin_view(state: &AppState, r: &StoreRecord) -> AdminStoreView {
    let live = state.stores.get(&r.id);
    AdminStoreView {
        id: r.id.clone(),
        code: r.code.clone(),
        name: r.name.clone(),
        address: r.street.clone(),
        location: r.location.map(|l| LocationPoint {
            lat: l.lat,
            lng: l.lng,
        }),
        zone: r.zone.clone(),
        zip_codes: r.zip_codes.clone(),
        timezone: r.timezone.clone(),
        hours: r.hours.clone(),
        paused: r.paused,
        settings: r.settings.clone(),
        state: live
            .map(|s| state_now(state, &s))
            .unwrap_or(StoreState::Closed)
            .as_str()
            .to_owned(),
        created_at: r.created_at,
        updated_at: r.updated_at,
    }
}

pub async fn admin_list(state: &AppState) -> Result<Vec<AdminStoreView>> {
    let stores = state.store.list_stores().await?;
    Ok(stores.iter().map(|r| admin_view(state, r)).collect())
}

pub async fn admin_get(state: &AppState, id: &str) -> Result<AdminStoreView> {
    let r = state
        .store
        .store_by_id(id)
        .await?
        .ok_or_else(store_not_found)?;
    Ok(admin_view(state, &r))
}

fn zone_error(e: qc_domain::store::ZoneError) -> AppError {
    AppError::bad_request("invalid_zone", e.to_string())
}

/// Check a store's fields; `current` is the store being changed (for what the request
/// leaves out).
fn check(req: &StoreRequest, current: Option<&StoreRecord>) -> Result<()> {
    let mut e = ValidationErrors::new();
    if let Some(code) = &req.code {
        let c = code.trim();
        if c.is_empty()
            || c.len() > 12
            || !c.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '-')
        {
            e.push("code", "must be 1 to 12 letters, digits or dashes");
        }
    }
    if let Some(n) = &req.name
        && (n.trim().is_empty() || n.trim().chars().count() > 80)
    {
        e.push("name", "must be 1 to 80 characters");
    }
    if let Some(l) = &req.location
        && GeoPoint::parse(l.lat, l.lng).is_err()
    {
        e.push("location", "must be a valid latitude and longitude");
    }
    if let Some(s) = &req.settings {
        match merged_settings(current, s) {
            None => e.push(
                "settings",
                "must be an object of numbers (see the API reference)",
            ),
            Some(merged) => match serde_json::from_value::<StoreSettings>(merged) {
                Err(_) => e.push("settings", "has a value of the wrong type"),
                Ok(parsed) => {
                    let problems = parsed.promise.problems().into_iter();
                    for (field, message) in problems.chain(parsed.dispatch.problems()) {
                        e.push(field, message);
                    }
                }
            },
        }
    }
    e.into_result()?;
    let zone = match &req.zone {
        Some(z) => z.clone(),
        None => current.and_then(|c| c.zone.clone()),
    };
    let zips = req
        .zip_codes
        .clone()
        .or_else(|| current.map(|c| c.zip_codes.clone()))
        .unwrap_or_default();
    Zone::parse(zone.as_ref(), &zips).map_err(zone_error)?;
    let tz = req
        .timezone
        .clone()
        .or_else(|| current.map(|c| c.timezone.clone()))
        .unwrap_or_else(|| "Asia/Kolkata".to_owned());
    let hours = req
        .hours
        .clone()
        .or_else(|| current.map(|c| c.hours.clone()))
        .unwrap_or_default();
    OpeningHours::parse(&tz, &hours).map_err(|m| AppError::bad_request("invalid_hours", m))?;
    Ok(())
}

/// The store's settings with the request's keys laid over them (a request names only
/// what it changes). `None` when the request's settings are not an object.
fn merged_settings(
    current: Option<&StoreRecord>,
    change: &serde_json::Value,
) -> Option<serde_json::Value> {
    let change = change.as_object()?;
    let mut merged = current
        .and_then(|c| c.settings.as_object().cloned())
        .unwrap_or_default();
    for (k, v) in change {
        merged.insert(k.clone(), v.clone());
    }
    Some(serde_json::Value::Object(merged))
}

fn normalised_zips(zips: &[String]) -> Vec<String> {
    zips.iter()
        .map(|z| qc_domain::store::normalise_zip(z))
        .collect()
}

pub async fn admin_create(state: &AppState, req: StoreRequest) -> Result<AdminStoreView> {
    let mut e = ValidationErrors::new();
    if req.code.is_none() {
        e.push("code", "is required");
    }
    if req.name.is_none() {
        e.push("name", "is required");
    }
    if req.location.is_none() {
        e.push("location", "is required");
    }
    e.into_result()?;
    check(&req, None)?;
    let loc = req.location.unwrap_or(LocationPoint { lat: 0.0, lng: 0.0 });
    let hours = match req.hours.clone() {
        Some(h) => h,
        None => OpeningHours::always(chrono_tz::Asia::Kolkata).week(),
    };
    let record = state
        .store
        .create_store(NewStore {
            code: req.code.unwrap_or_default().trim().to_uppercase(),
            name: req.name.unwrap_or_default().trim().to_owned(),
            street: req.address.unwrap_or_default().trim().to_owned(),
            location: GeoPoint {
                lat: loc.lat,
                lng: loc.lng,
            },
            zone: req.zone.flatten(),
            zip_codes: normalised_zips(&req.zip_codes.unwrap_or_default()),
            timezone: req.timezone.unwrap_or_else(|| "Asia/Kolkata".to_owned()),
            hours,
            paused: req.paused.unwrap_or(false),
            settings: req
                .settings
                .as_ref()
                .and_then(|s| merged_settings(None, s))
                .unwrap_or_else(|| serde_json::json!({})),
        })
        .await
        .map_err(|e| match e {
            qc_store::StoreError::Conflict(m) => AppError::conflict("store_code_taken", m),
            other => other.into(),
        })?;
    changed(state).await;
    Ok(admin_view(state, &record))
}

pub async fn admin_update(state: &AppState, id: &str, req: StoreRequest) -> Result<AdminStoreView> {
    let current = state
        .store
        .store_by_id(id)
        .await?
        .ok_or_else(store_not_found)?;
    if req
        .code
        .as_ref()
        .is_some_and(|c| !c.trim().eq_ignore_ascii_case(&current.code))
    {
        return Err(ValidationErrors::one("code", "cannot be changed").into());
    }
    check(&req, Some(&current))?;
    let record = state
        .store
        .update_store(
            id,
            StorePatch {
                name: req.name.map(|n| n.trim().to_owned()),
                street: req.address.map(|a| a.trim().to_owned()),
                location: req.location.map(|l| GeoPoint {
                    lat: l.lat,
                    lng: l.lng,
                }),
                zone: req.zone,
                zip_codes: req.zip_codes.map(|z| normalised_zips(&z)),
                timezone: req.timezone,
                hours: req.hours,
                paused: req.paused,
                settings: req
                    .settings
                    .as_ref()
                    .and_then(|s| merged_settings(Some(&current), s)),
            },
        )
        .await?;
    changed(state).await;
    Ok(admin_view(state, &record))
}

/// A store changed here: reload the stores now, tell admins.
async fn changed(state: &AppState) {
    if let Err(e) = state.stores.reload().await {
        tracing::warn!(error = %e, "could not reload stores");
    }
    state.catalog_changed();
    state.broadcast.stats_changed();
}

/// `GET /api/admin/stores/{id}/load`
pub async fn load(state: &AppState, id: &str) -> Result<StoreLoadView> {
    let store = state.stores.find(id).await?.ok_or_else(store_not_found)?;
    let load = state.stores.load(id);
    let quote = state
        .stores
        .quote_store(&store, None, TYPICAL_ITEMS, Utc::now());
    let today = super::stats::start_of_today();
    let on_time = state.store.on_time(id, today).await?;
    Ok(StoreLoadView {
        store_id: id.to_owned(),
        state: quote.state.as_str().to_owned(),
        open_orders: load.unpicked,
        waiting_for_rider: load.waiting_for_rider,
        partners_available: load.riders_available,
        partners_busy: load.riders_busy,
        current_promise_minutes: quote.promise.minutes,
        delivered_today: on_time.delivered,
        on_time_rate_today: (on_time.delivered > 0)
            .then(|| on_time.on_time as f64 / on_time.delivered as f64),
    })
}

/// At start-up: the store a single-store database was migrated into gets the configured
/// location and a circle zone of `QC_SERVICE_RADIUS_KM`; a database with no store at all
/// gets one such store ("Main store"). Then the stores are loaded.
pub async fn ensure_default(state: &AppState) -> anyhow::Result<()> {
    let c = &state.config;
    let zone = circle_zone(c.store_location, c.service_radius_km, 64);
    let completed = state
        .store
        .complete_legacy_stores(c.store_location, &zone)
        .await?;
    if completed > 0 {
        tracing::info!(
            completed,
            "the migrated store got the configured location and zone"
        );
    }
    if state.store.count_stores().await? == 0 {
        let created = state
            .store
            .create_store(NewStore {
                code: "MAIN".into(),
                name: "Main store".into(),
                street: String::new(),
                location: c.store_location,
                zone: Some(zone),
                zip_codes: Vec::new(),
                timezone: "Asia/Kolkata".into(),
                hours: OpeningHours::always(chrono_tz::Asia::Kolkata).week(),
                paused: false,
                settings: serde_json::json!({}),
            })
            .await;
        match created {
            Ok(_) => tracing::info!("created the main store from QC_STORE_LAT/QC_STORE_LNG"),
            // Another instance starting at the same time created it.
            Err(qc_store::StoreError::Conflict(_)) => {}
            Err(e) => return Err(e.into()),
        }
    }
    state.stores.reload().await?;
    state.stores.refresh_loads().await?;
    Ok(())
}
