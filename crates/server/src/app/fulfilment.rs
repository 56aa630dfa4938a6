//! Dark-store fulfilment: pickers claim queued orders (one wins), pick each line (or mark
//! it short, or substitute it), and pack; the customer answers dearer substitutes live;
//! riders hear of an order as packing ends. Stores switch it on with the `fulfilment`
//! setting (`on` | `off`; off keeps the old flow, where the rider picks up at once).
//!
//! When the offer goes out (held dispatch): an order of a store that picks is not
//! offered at placement. Its predicted pack end is placement + the promise's pick share
//! (queue included); the nearest available rider of the store with a known position needs
//! `distance ÷ rider speed` to reach the store; the order is released to the store's
//! dispatch mode when `pack end − rider's way ≤ now` (checked every second by every
//! instance's sweeper), or at once when it is packed, whichever comes first.

use super::AppState;
use super::changes::order_changed;
use super::directory::StoreInfo;
use crate::api::*;
use crate::auth::AuthUser;
use crate::error::{AppError, Result};
use chrono::{DateTime, Utc};
use qc_domain::fulfilment::Fulfilment;
use qc_domain::{Email, Name, Role, ValidationErrors};
use qc_store::{DispatchState, NewUser, Order, OrderChange, PickAction, PickOutcome, StoreError};
use std::collections::HashMap;
use std::time::Duration;

/// How often held orders and unanswered substitutes are looked at.
pub const SWEEP_EVERY: Duration = Duration::from_secs(1);
/// Pick times are measured over packed orders this recent.
pub const HISTORY_DAYS: i64 = 7;

fn order_not_found() -> AppError {
    AppError::not_found("order_not_found", "No such order in your store.")
}

fn not_found_as(e: StoreError) -> AppError {
    match e {
        StoreError::NotFound => order_not_found(),
        StoreError::InvalidState(state) => AppError::conflict(
            "invalid_fulfilment_state",
            format!("Not possible while the order is {state}."),
        ),
        other => other.into(),
    }
}

/// The store a picker works in (from the database, never the request).
async fn picker_store(state: &AppState, who: &AuthUser) -> Result<String> {
    state
        .store
        .user_by_id(&who.id)
        .await?
        .and_then(|u| u.store_id)
        .ok_or_else(|| {
            AppError::forbidden(
                "no_store",
                "This picker account is not assigned to a store.",
            )
        })
}

/// Where a store sends an order once it may be offered.
pub fn release_target(store: &StoreInfo) -> DispatchState {
    match store.settings.dispatch.dispatch_mode {
        qc_domain::dispatch::DispatchMode::Auto => DispatchState::Offering,
        qc_domain::dispatch::DispatchMode::Broadcast => DispatchState::Broadcast,
    }
}

/// The nearest available rider's way to the store, in seconds, from positions this
/// instance knows (or their saved rows); `None` when no rider's position is known.
async fn nearest_rider_secs(state: &AppState, store: &StoreInfo) -> Option<f64> {
    let partners = state
        .store
        .dispatch_candidates(store.id(), Utc::now())
        .await
        .ok()?;
    let speed = state.config.rider_speed_kmh.max(1.0);
    partners
        .iter()
        .filter_map(|c| {
            let p = state
                .riders
                .get(&c.partner_id)
                .map(|(p, _)| p)
                .or_else(|| {
                    c.last_location
                        .map(|(lat, lng, _)| qc_domain::GeoPoint { lat, lng })
                })?;
            Some(store.location.distance_m(p) / 1_000.0 / speed * 3_600.0)
        })
        .min_by(f64::total_cmp)
}

/// When a new order of a store that picks may first be offered (see the module docs).
pub async fn hold_until(
    state: &AppState,
    store: &StoreInfo,
    pick_minutes: f64,
    now: DateTime<Utc>,
) -> DateTime<Utc> {
    let pack_end = now.timestamp_millis() + (pick_minutes.max(0.0) * 60_000.0) as i64;
    let lead = nearest_rider_secs(state, store).await.unwrap_or(f64::NAN);
    let at = qc_domain::fulfilment::release_at_ms(pack_end, lead, now.timestamp_millis());
    chrono::DateTime::from_timestamp_millis(at).unwrap_or(now)
}

/// An order of `store_id` that the store picks, or 404 (another store's looks like none).
async fn store_order(state: &AppState, store_id: &str, order_id: &str) -> Result<Order> {
    match state.store.order_by_id(order_id).await? {
        Some(o) if o.store_id == store_id && o.pick.fulfilment.is_some() => Ok(o),
        _ => Err(order_not_found()),
    }
}

/// An order as a picker sees it, lines in bin order.
pub async fn picker_view(state: &AppState, order: &Order) -> Result<PickerOrderView> {
    let mut views = picker_views(state, std::slice::from_ref(order)).await?;
    views.pop().ok_or_else(order_not_found)
}

/// Orders as a picker sees them: the bins, barcodes and categories of all their lines in
/// one query per store and each picker's name once, not two queries per order (a queue
/// of 100 orders, or the admins' view of every store's, was 200 queries).
pub async fn picker_views(state: &AppState, orders: &[Order]) -> Result<Vec<PickerOrderView>> {
    let mut ids_by_store: HashMap<&str, Vec<String>> = HashMap::new();
    for order in orders {
        let ids = ids_by_store.entry(order.store_id.as_str()).or_default();
        for item in &order.items {
            ids.push(item.product_id.clone());
            ids.extend(item.pick.substitute.as_ref().map(|s| s.product_id.clone()));
        }
    }
    let mut info: HashMap<&str, HashMap<String, PickInfo>> = HashMap::new();
    for (store_id, mut ids) in ids_by_store {
        ids.sort_unstable();
        ids.dedup();
        let found = state.store.pick_info(store_id, &ids).await?;
        let by_id = found
            .into_iter()
            .map(|(id, bin, barcode, category)| (id, (bin, barcode, category)))
            .collect();
        info.insert(store_id, by_id);
    }
    let mut pickers: HashMap<&str, Option<PartnerRef>> = HashMap::new();
    for id in orders.iter().filter_map(|o| o.pick.picker_id.as_deref()) {
        if !pickers.contains_key(id) {
            let user = state.store.user_by_id(id).await?.map(|u| PartnerRef {
                id: u.id,
                name: u.name,
            });
            pickers.insert(id, user);
        }
    }
    let none = HashMap::new();
    Ok(orders
        .iter()
        .map(|order| {
            let info = info.get(order.store_id.as_str()).unwrap_or(&none);
            let picker = order
                .pick
                .picker_id
                .as_deref()
                .and_then(|id| pickers.get(id).cloned().flatten());
            view_of(order, info, picker)
        })
        .collect())
}

/// A product's bin at the store, barcode and category.
type PickInfo = (Option<String>, Option<String>, String);

fn view_of(
    order: &Order,
    info: &HashMap<String, PickInfo>,
    picker: Option<PartnerRef>,
) -> PickerOrderView {
    let mut lines: Vec<PickLineView> = order
        .items
        .iter()
        .map(|i| {
            let found = info.get(&i.product_id);
            PickLineView {
                item: OrderItemView::of(i, true),
                bin: found.and_then(|f| f.0.clone()),
                barcode: found.and_then(|f| f.1.clone()),
                category_id: found.map(|f| f.2.clone()),
            }
        })
        .collect();
    // Bin order, lines without a bin last, then as ordered.
    lines.sort_by(|a, b| {
        (a.bin.is_none(), a.bin.as_deref(), a.item.line_id).cmp(&(
            b.bin.is_none(),
            b.bin.as_deref(),
            b.item.line_id,
        ))
    });
    PickerOrderView {
        id: order.id.clone(),
        order_number: order_number(&order.id),
        status: order.status.as_str().to_owned(),
        fulfilment: order
            .pick
            .fulfilment
            .map_or("none", Fulfilment::as_str)
            .to_owned(),
        store_id: order.store_id.clone(),
        picker,
        promised_at: order.promised_at,
        created_at: order.created_at,
        picking_at: order.pick.picking_at,
        packed_at: order.pick.packed_at,
        bags: order.pick.bags,
        item_count: order.items.iter().map(|i| i.quantity).sum(),
        lines,
        last_seq: order.last_seq,
    }
}

/// The picker's store's queue, most urgent promise first: the first `limit` orders
/// (1-100, default 100).
pub async fn queue(
    state: &AppState,
    who: &AuthUser,
    limit: Option<i64>,
) -> Result<Vec<PickerOrderView>> {
    let (_, limit, _) = super::page_params(None, Some(limit.unwrap_or(super::MAX_PAGE_SIZE)))?;
    let store_id = picker_store(state, who).await?;
    let orders = state.store.picker_queue(&store_id, limit).await?;
    picker_views(state, &orders).await
}

/// One order of the picker's store (another store's order is 404).
pub async fn order(state: &AppState, who: &AuthUser, order_id: &str) -> Result<PickerOrderView> {
    let store_id = picker_store(state, who).await?;
    picker_view(state, &store_order(state, &store_id, order_id).await?).await
}

/// Same-category products in stock at the picker's store for a line, closest price first.
pub async fn substitutes(
    state: &AppState,
    who: &AuthUser,
    order_id: &str,
    line: i64,
) -> Result<Vec<ProductView>> {
    let store_id = picker_store(state, who).await?;
    let order = store_order(state, &store_id, order_id).await?;
    let item = order
        .items
        .iter()
        .find(|i| i.pick.line == line)
        .ok_or_else(|| AppError::not_found("line_not_found", "No such line in this order."))?;
    Ok(state
        .store
        .substitute_candidates(&store_id, &item.product_id, 12)
        .await?
        .iter()
        .map(ProductView::from)
        .collect())
}

/// Claim a queued order: exactly one of two racing pickers wins.
pub async fn claim(state: &AppState, who: &AuthUser, order_id: &str) -> Result<PickerOrderView> {
    let store_id = picker_store(state, who).await?;
    let change = state
        .store
        .claim_pick(order_id, &who.id, &store_id, Utc::now())
        .await
        .map_err(not_found_as)?;
    order_changed(state, &change, None).await;
    picker_view(state, &change.order).await
}

fn count(field: &str, v: i64) -> Result<u32> {
    u32::try_from(v)
        .ok()
        .filter(|n| *n <= 10_000)
        .ok_or_else(|| ValidationErrors::one(field, "must be a whole number from 0").into())
}

fn normalise_barcode(raw: &str) -> String {
    raw.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Record a line: picked (with an optional barcode check), short, or substituted.
pub async fn pick_line(
    state: &AppState,
    who: &AuthUser,
    order_id: &str,
    line: i64,
    req: PickLineRequest,
) -> Result<PickerOrderView> {
    let store_id = picker_store(state, who).await?;
    let given = [
        req.picked.is_some(),
        req.short.is_some(),
        req.substitute.is_some(),
    ];
    if given.iter().filter(|g| **g).count() != 1 {
        return Err(ValidationErrors::one(
            "body",
            "give exactly one of picked, short or substitute",
        )
        .into());
    }
    let current = store_order(state, &store_id, order_id).await?;
    let Some(item) = current.items.iter().find(|i| i.pick.line == line) else {
        return Err(AppError::not_found(
            "line_not_found",
            "No such line in this order.",
        ));
    };
    let action = if let Some(p) = req.picked {
        if let Some(code) = p.barcode.as_deref().map(normalise_barcode) {
            let product = state.store.product_by_id(&item.product_id, None).await?;
            if product.and_then(|p| p.barcode).as_deref() != Some(code.as_str()) {
                return Err(AppError::unprocessable(
                    "wrong_barcode",
                    format!("That barcode is not {}'s. Check the shelf.", item.name),
                ));
            }
        }
        PickAction::Picked {
            quantity: count("picked.quantity", p.quantity)?,
        }
    } else if let Some(s) = req.short {
        PickAction::Short {
            found: count("short.found", s.found)?,
        }
    } else if let Some(s) = req.substitute {
        let product_id = match (s.product_id, s.barcode.as_deref().map(normalise_barcode)) {
            (Some(id), None) => id,
            (None, Some(code)) => {
                state
                    .store
                    .product_by_barcode(&code)
                    .await?
                    .ok_or_else(|| {
                        AppError::unprocessable("wrong_barcode", "No product has that barcode.")
                    })?
            }
            _ => {
                return Err(ValidationErrors::one(
                    "substitute",
                    "give productId or barcode (one of them)",
                )
                .into());
            }
        };
        PickAction::Substitute {
            found: count("substitute.found", s.found.unwrap_or(0))?,
            product_id,
            quantity: count("substitute.quantity", s.quantity)?,
        }
    } else {
        return Err(ValidationErrors::one(
            "body",
            "give exactly one of picked, short or substitute",
        )
        .into());
    };
    let approval = chrono::Duration::from_std(state.config.substitution_approval)
        .unwrap_or(chrono::Duration::seconds(120));
    let outcome = state
        .store
        .pick_line(
            order_id,
            qc_store::PickerRef {
                id: &who.id,
                store_id: &store_id,
            },
            line,
            &action,
            approval,
            Utc::now(),
        )
        .await
        .map_err(not_found_as)?;
    announce(state, &outcome).await;
    picker_view(state, &outcome.change.order).await
}

/// Packed with `bags` bags; a held order goes out to riders now.
pub async fn pack(
    state: &AppState,
    who: &AuthUser,
    order_id: &str,
    bags: i64,
) -> Result<PickerOrderView> {
    if !(1..=50).contains(&bags) {
        return Err(ValidationErrors::one("bags", "must be 1 to 50").into());
    }
    let store_id = picker_store(state, who).await?;
    let target = state
        .stores
        .get(&store_id)
        .map_or(DispatchState::Broadcast, |s| release_target(&s));
    let change = state
        .store
        .pack_order(order_id, &who.id, &store_id, bags, target, Utc::now())
        .await
        .map_err(not_found_as)?;
    order_changed(state, &change, None).await;
    picker_view(state, &change.order).await
}

/// The customer's yes or no to a dearer substitute.
pub async fn answer(
    state: &AppState,
    who: &AuthUser,
    order_id: &str,
    line: i64,
    approve: bool,
) -> Result<OrderView> {
    let outcome = state
        .store
        .answer_substitution(order_id, Some(&who.id), line, approve, Utc::now())
        .await
        .map_err(|e| match e {
            StoreError::NotFound => {
                AppError::not_found("order_not_found", "No such order or line.")
            }
            other => other.into(),
        })?;
    announce(state, &outcome).await;
    Ok(super::views::full_view(state, &outcome.change.order, None))
}

/// Tell everyone concerned what a fulfilment step did: each event in turn (a line, then
/// the cancellation it may have caused).
async fn announce(state: &AppState, outcome: &PickOutcome) {
    let n = outcome.events.len();
    for (i, event) in outcome.events.iter().enumerate() {
        let last = i + 1 == n;
        let change = OrderChange {
            order: outcome.change.order.clone(),
            event: event.clone(),
            previous_partner: outcome.change.previous_partner.clone(),
            // Stock once, with the first event; an ended offer with the last.
            stock: if i == 0 {
                outcome.change.stock.clone()
            } else {
                Vec::new()
            },
            ended_offer: if last {
                outcome.change.ended_offer.clone()
            } else {
                None
            },
        };
        order_changed(state, &change, None).await;
    }
}

/// Every instance: release held orders whose time has come, and refund substitutes
/// nobody answered in time.
pub fn spawn_sweeper(state: &AppState) {
    super::every(state, SWEEP_EVERY, "held order sweep", |s| async move {
        sweep_held(&s).await.map(drop)
    });
    super::every(state, SWEEP_EVERY, "substitution sweep", |s| async move {
        sweep_substitutions(&s).await.map(drop)
    });
}

/// Held orders due now go out to riders; how many this instance released.
pub async fn sweep_held(state: &AppState) -> Result<usize> {
    let due = state.store.due_held_orders(Utc::now(), 100).await?;
    let mut released = 0;
    for id in due {
        let Some(order) = state.store.order_by_id(&id).await? else {
            continue;
        };
        let target = state
            .stores
            .get(&order.store_id)
            .map_or(DispatchState::Broadcast, |s| release_target(&s));
        if let Some(order) = state.store.release_held(&id, target, Utc::now()).await? {
            released += 1;
            super::dispatch::start(state, &order).await;
        }
    }
    Ok(released)
}

/// Proposals past their time become refunds; how many.
pub async fn sweep_substitutions(state: &AppState) -> Result<usize> {
    let due = state.store.due_substitutions(Utc::now(), 100).await?;
    let mut done = 0;
    for (order_id, line) in due {
        match state
            .store
            .answer_substitution(&order_id, None, line, false, Utc::now())
            .await
        {
            Ok(outcome) => {
                done += 1;
                announce(state, &outcome).await;
            }
            // Answered (or swept by another instance) in between.
            Err(StoreError::Refused(..) | StoreError::NotFound) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(done)
}

/// Per-store figures (the promise's pick times among them) and the queue.
pub async fn admin_overview(
    state: &AppState,
    store_id: Option<&str>,
) -> Result<FulfilmentResponse> {
    let since = Utc::now() - chrono::Duration::days(HISTORY_DAYS);
    let figures = state.store.fulfilment_figures(store_id, since).await?;
    let mut stores = Vec::new();
    for s in state.stores.all() {
        if store_id.is_some_and(|id| id != s.id()) {
            continue;
        }
        let f = figures.iter().find(|f| f.store_id == s.id());
        let (base, per_item, measured) = state.stores.pick_times(&s);
        stores.push(FulfilmentFiguresView {
            store_id: s.id().to_owned(),
            store_name: s.record.name.clone(),
            enabled: s.settings.fulfilment_on(),
            queued: f.map_or(0, |f| f.queued),
            picking: f.map_or(0, |f| f.picking),
            packed_7d: f.map_or(0, |f| f.packed),
            avg_pick_minutes: f.and_then(|f| f.avg_pick_minutes),
            short_rate: f
                .filter(|f| f.lines > 0)
                .map(|f| f.lines_short as f64 / f.lines as f64),
            pick_base_minutes: base,
            pick_per_item_seconds: per_item,
            measured,
        });
    }
    let mut queue = Vec::new();
    for s in &stores {
        let orders = state.store.picker_queue(&s.store_id, 100).await?;
        queue.extend(picker_views(state, &orders).await?);
    }
    queue.sort_by_key(|o| (o.promised_at, o.created_at));
    Ok(FulfilmentResponse {
        success: true,
        stores,
        queue,
    })
}

fn staff_view(u: &qc_store::User) -> StaffView {
    StaffView {
        id: u.id.clone(),
        email: u.email.clone(),
        name: u.name.clone(),
        role: u.role.as_str().to_owned(),
        status: u.status.as_str().to_owned(),
        store_id: u.store_id.clone(),
        created_at: u.created_at,
    }
}

/// Admins create pickers (never self-registration); the first password is set through
/// the one-time link in the answer.
pub async fn create_staff(state: &AppState, req: StaffRequest) -> Result<StaffCreatedResponse> {
    let mut errors = ValidationErrors::new();
    let email = errors.take(Email::parse(&req.email));
    let name = errors.take(Name::parse(&req.name));
    if req.role != "picker" {
        errors.push("role", "must be picker");
    }
    errors.into_result()?;
    let (Some(email), Some(name)) = (email, name) else {
        return Err(AppError::Internal(anyhow::anyhow!(
            "validation passed without values"
        )));
    };
    if state.stores.find(&req.store_id).await?.is_none() {
        return Err(AppError::not_found("store_not_found", "No such store."));
    }
    // Nobody knows this password: the link sets the real one.
    let unusable: [u8; 32] = rand::random();
    let hash = state
        .passwords
        .hash(unusable.iter().map(|b| format!("{b:02x}")).collect())
        .await?;
    let user = state
        .store
        .create_user(NewUser {
            email: email.as_str().to_owned(),
            name: name.into_inner(),
            phone: None,
            role: Role::Picker,
            password_hash: hash,
            home_store_id: Some(req.store_id.clone()),
        })
        .await
        .map_err(|e| match e {
            StoreError::Conflict(_) => {
                AppError::conflict("email_taken", "An account with this e-mail already exists.")
            }
            other => other.into(),
        })?;
    let (token, expires) = super::password_links::new_link(state, &user.id, "setup").await?;
    tracing::info!(user_id = %user.id, "picker created");
    Ok(StaffCreatedResponse {
        success: true,
        staff: staff_view(&user),
        setup_link: format!("/set-password?token={token}"),
        link_expires_at: expires,
    })
}

pub async fn list_staff(state: &AppState, store_id: Option<&str>) -> Result<Vec<StaffView>> {
    Ok(state
        .store
        .list_staff(store_id)
        .await?
        .iter()
        .map(staff_view)
        .collect())
}

/// A fresh one-time link for a staff member (the old one stops working).
pub async fn staff_link(state: &AppState, user_id: &str) -> Result<StaffCreatedResponse> {
    let user = state
        .store
        .user_by_id(user_id)
        .await?
        .filter(|u| u.role == Role::Picker)
        .ok_or_else(|| AppError::not_found("staff_not_found", "No such staff member."))?;
    let (token, expires) = super::password_links::new_link(state, &user.id, "setup").await?;
    Ok(StaffCreatedResponse {
        success: true,
        staff: staff_view(&user),
        setup_link: format!("/set-password?token={token}"),
        link_expires_at: expires,
    })
}
