//! Admin services: the live stats, order monitoring and interventions, users and
//! partners, the catalog and stock. Every route behind them is admin-only.

use super::{AppState, page_params};
use crate::api::*;
use crate::auth::AuthUser;
use crate::error::{AppError, Result};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use qc_domain::{Money, OrderStatus, Role, UserStatus, ValidationErrors};
use qc_store::{
    AdminOrderFilter, Canceller, CategoryPatch, NewCategory, NewProduct, Order, ProductPatch,
    ProductQuery, StockChange, StoreError, UserFilter,
};

/// Products below this stock show up as low stock.
pub const LOW_STOCK_BELOW: i64 = 5;

fn reason_of(r: &str) -> Result<String> {
    let r = r.trim();
    if r.is_empty() || r.chars().count() > 300 {
        return Err(ValidationErrors::one("reason", "must be 1 to 300 characters").into());
    }
    Ok(r.to_owned())
}

fn start_of_today() -> DateTime<Utc> {
    let now = Utc::now();
    now.date_naive()
        .and_hms_opt(0, 0, 0)
        .map_or(now, |d| Utc.from_utc_datetime(&d))
}

/// The dashboard numbers, from the database plus live presence.
pub async fn stats(state: &AppState) -> Result<StatsView> {
    let snap = state
        .store
        .stats_snapshot(start_of_today(), LOW_STOCK_BELOW)
        .await?;
    let mut orders = OrdersByStatus::default();
    for (status, n) in &snap.orders_by_status {
        orders.total += n;
        match status {
            OrderStatus::Pending => orders.pending = *n,
            OrderStatus::Accepted => orders.accepted = *n,
            OrderStatus::PickedUp => orders.picked_up = *n,
            OrderStatus::OnTheWay => orders.on_the_way = *n,
            OrderStatus::Delivered => orders.delivered = *n,
            OrderStatus::Cancelled => orders.cancelled = *n,
        }
    }
    let mut secs = snap.delivery_seconds.clone();
    secs.sort_unstable();
    let average = (!secs.is_empty()).then(|| secs.iter().sum::<i64>() / secs.len() as i64);
    let p90 = (!secs.is_empty()).then(|| secs[((secs.len() * 9).div_ceil(10)).saturating_sub(1)]);
    let online = state.realtime.online_counts().await;
    Ok(StatsView {
        orders_today: orders,
        revenue_today: snap.revenue.minor(),
        average_delivery_seconds: average,
        p90_delivery_seconds: p90,
        partners: PartnerCounts {
            total: snap.partners_total,
            online: online.delivery as i64,
            available: snap.partners_available,
            busy: snap.partners_busy,
        },
        customers_online: online.customers as i64,
        low_stock: snap
            .low_stock
            .iter()
            .map(|p| LowStockItem {
                product_id: p.id.clone(),
                name: p.name.clone(),
                stock: p.stock,
            })
            .collect(),
        generated_at: Some(Utc::now()),
    })
}

/// `2026-11-27` or an RFC 3339 time; a bare date as an upper bound means its end.
fn parse_time(field: &str, s: &str, end_of_day: bool) -> Result<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s.trim()) {
        return Ok(t.with_timezone(&Utc));
    }
    let d = NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| {
        ValidationErrors::one(field, "must be a date (YYYY-MM-DD) or an RFC 3339 time")
    })?;
    let d = if end_of_day {
        d.succ_opt().unwrap_or(d)
    } else {
        d
    };
    Ok(Utc.from_utc_datetime(&d.and_hms_opt(0, 0, 0).unwrap_or_default()))
}

fn parse_status(s: Option<&str>) -> Result<Option<OrderStatus>> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => OrderStatus::parse(s).map(Some).ok_or_else(|| {
            ValidationErrors::one(
                "status",
                "must be pending, accepted, picked_up, on_the_way, delivered or cancelled",
            )
            .into()
        }),
    }
}

async fn view_with_partner(state: &AppState, o: &Order) -> Result<OrderView> {
    Ok(OrderView::new(
        o,
        super::orders::partner_ref(state, o).await?,
        true,
    ))
}

pub async fn orders(state: &AppState, q: AdminOrderQuery) -> Result<(Vec<OrderView>, Pagination)> {
    let (page, limit, offset) = page_params(q.page, q.limit)?;
    let filter = AdminOrderFilter {
        status: parse_status(q.status.as_deref())?,
        search: q.search.filter(|s| !s.trim().is_empty()),
        from: q
            .from
            .as_deref()
            .map(|s| parse_time("from", s, false))
            .transpose()?,
        to: q
            .to
            .as_deref()
            .map(|s| parse_time("to", s, true))
            .transpose()?,
        partner_id: q.partner_id.filter(|s| !s.is_empty()),
        offset,
        limit,
    };
    let (orders, total) = state.store.admin_orders(&filter).await?;
    let mut views = Vec::with_capacity(orders.len());
    for o in &orders {
        views.push(view_with_partner(state, o).await?);
    }
    Ok((views, Pagination::new(page, limit, total)))
}

fn order_not_found() -> AppError {
    AppError::not_found("order_not_found", "No such order.")
}

async fn person(state: &AppState, id: Option<&str>) -> Result<Option<PersonView>> {
    let Some(id) = id else { return Ok(None) };
    Ok(state.store.user_by_id(id).await?.map(|u| PersonView {
        id: u.id,
        name: u.name,
        email: u.email,
        phone: u.phone,
    }))
}

pub async fn order_detail(state: &AppState, order_id: &str) -> Result<AdminOrderDetail> {
    let order = state
        .store
        .order_by_id(order_id)
        .await?
        .ok_or_else(order_not_found)?;
    let timeline = state.store.order_events(order_id, 0, 1_000).await?;
    let trail = state.store.location_trail(order_id, 2_000).await?;
    Ok(AdminOrderDetail {
        success: true,
        order: view_with_partner(state, &order).await?,
        timeline: timeline
            .into_iter()
            .map(|e| TimelineEntry {
                seq: e.seq,
                kind: e.kind,
                data: e.payload,
                actor_role: e.actor_role,
                at: e.at,
            })
            .collect(),
        trail: trail
            .into_iter()
            .map(|p| LocationView {
                lat: p.lat,
                lng: p.lng,
                at: p.at,
            })
            .collect(),
        customer: person(state, Some(&order.customer_id)).await?,
        partner: person(state, order.partner_id.as_deref()).await?,
    })
}

fn state_conflict(action: &'static str) -> impl Fn(StoreError) -> AppError {
    move |e| match e {
        StoreError::NotFound => order_not_found(),
        StoreError::InvalidState(s) => AppError::conflict(
            "invalid_order_state",
            format!("Cannot {action} an order that is {s}."),
        ),
        StoreError::Conflict(m) => AppError::conflict("invalid_partner", m),
        other => other.into(),
    }
}

/// Cancel any order not yet delivered; stock goes back; customer and partner are told.
pub async fn cancel_order(
    state: &AppState,
    admin: &AuthUser,
    order_id: &str,
    reason: &str,
) -> Result<OrderView> {
    let reason = reason_of(reason)?;
    let (order, event) = state
        .store
        .cancel_order(
            order_id,
            &Canceller::Admin(admin.id.clone()),
            Some(&reason),
            Utc::now(),
        )
        .await
        .map_err(state_conflict("cancel"))?;
    state.locations.finish(order_id);
    state
        .realtime
        .order_cancelled(&order, &event, order.accepted_at.is_none())
        .await;
    super::orders::publish_stock(state, &order).await;
    view_with_partner(state, &order).await
}

/// Take an accepted order back from its partner and offer it to everyone again.
pub async fn unassign_order(
    state: &AppState,
    admin: &AuthUser,
    order_id: &str,
    reason: &str,
) -> Result<OrderView> {
    let reason = reason_of(reason)?;
    let (order, event, previous) = state
        .store
        .unassign_order(order_id, &admin.id, &reason, Utc::now())
        .await
        .map_err(state_conflict("unassign"))?;
    state.locations.finish(order_id);
    state
        .realtime
        .order_unassigned(&order, &event, &previous, &reason)
        .await;
    let offer = super::delivery::partner_view(state, &order, None, None);
    state.realtime.order_created(&offer).await;
    view_with_partner(state, &order).await
}

/// Give an order to another partner.
pub async fn reassign_order(
    state: &AppState,
    admin: &AuthUser,
    order_id: &str,
    req: ReassignRequest,
) -> Result<OrderView> {
    let reason = reason_of(&req.reason)?;
    let (order, event, previous) = state
        .store
        .reassign_order(order_id, &req.partner_id, &admin.id, &reason, Utc::now())
        .await
        .map_err(state_conflict("reassign"))?;
    state.locations.finish(order_id);
    let partner = state
        .store
        .user_by_id(&req.partner_id)
        .await?
        .map(|u| PartnerRef {
            id: u.id,
            name: u.name,
        });
    if let Some(p) = &partner {
        let view = super::delivery::partner_view(state, &order, None, Some(p.clone()));
        state
            .realtime
            .order_reassigned(&order, &event, p, &previous, &view)
            .await;
    }
    view_with_partner(state, &order).await
}

pub async fn users(state: &AppState, q: UserQuery) -> Result<UsersResponse> {
    let (page, limit, offset) = page_params(q.page, q.limit)?;
    let mut e = ValidationErrors::new();
    let role = q.role.as_deref().filter(|s| !s.is_empty()).map(|r| {
        Role::parse(r)
            .ok_or(())
            .map_err(|()| e.push("role", "must be customer, delivery or admin"))
    });
    let status = q.status.as_deref().filter(|s| !s.is_empty()).map(|s| {
        UserStatus::parse(s)
            .ok_or(())
            .map_err(|()| e.push("status", "must be active or blocked"))
    });
    e.into_result()?;
    let filter = UserFilter {
        role: role.and_then(Result::ok),
        status: status.and_then(Result::ok),
        search: q.search.filter(|s| !s.trim().is_empty()),
        offset,
        limit,
    };
    let (users, total) = state.store.list_users(&filter).await?;
    let online = state.realtime.online_users().await;
    Ok(UsersResponse {
        success: true,
        users: users
            .iter()
            .map(|u| AdminUserView {
                user: UserView::from(u),
                online: online.contains_key(&u.id),
            })
            .collect(),
        pagination: Pagination::new(page, limit, total),
    })
}

/// Block or unblock an account. Blocking revokes every token and closes every socket of
/// the user at once.
pub async fn set_blocked(
    state: &AppState,
    admin: &AuthUser,
    user_id: &str,
    blocked: bool,
) -> Result<UserView> {
    if admin.id == user_id {
        return Err(AppError::conflict(
            "cannot_block_self",
            "Admins cannot block themselves.",
        ));
    }
    let status = if blocked {
        UserStatus::Blocked
    } else {
        UserStatus::Active
    };
    let user = state
        .store
        .set_user_status(user_id, status)
        .await
        .map_err(|e| match e {
            StoreError::NotFound => AppError::not_found("user_not_found", "No such user."),
            other => other.into(),
        })?;
    state.forget_user(user_id);
    if blocked {
        state.realtime.disconnect_user(user_id).await;
        tracing::info!(user_id, admin_id = %admin.id, "user blocked");
    }
    Ok(UserView::from(&user))
}

pub async fn partners(state: &AppState, q: PartnerQuery) -> Result<PartnersResponse> {
    let (page, limit, offset) = page_params(q.page, q.limit)?;
    let search = q.search.as_deref().filter(|s| !s.trim().is_empty());
    let (rows, total) = state.store.list_partners(search, offset, limit).await?;
    let online = state.realtime.online_users().await;
    Ok(PartnersResponse {
        success: true,
        partners: rows
            .into_iter()
            .map(|r| {
                let p = r.profile;
                AdminPartnerView {
                    online: online.contains_key(&p.user_id),
                    id: p.user_id,
                    name: p.name,
                    email: r.email,
                    phone: p.phone,
                    is_available: p.is_available,
                    is_verified: p.is_verified,
                    status: p.status,
                    active_orders: p.active_orders,
                    active_order_id: r.active_order_id,
                    last_location: p.last_location.map(|(lat, lng, at)| LocationView {
                        lat,
                        lng,
                        at,
                    }),
                    total_deliveries: p.total_deliveries,
                    total_earnings: p.total_earnings.minor(),
                }
            })
            .collect(),
        pagination: Pagination::new(page, limit, total),
    })
}

/// Verify or suspend a partner; a suspended partner stops receiving offers at once.
pub async fn set_partner_flags(
    state: &AppState,
    partner_id: &str,
    verified: Option<bool>,
    suspended: Option<bool>,
) -> Result<PartnerView> {
    let p = state
        .store
        .set_partner_flags(partner_id, verified, suspended)
        .await
        .map_err(|e| match e {
            StoreError::NotFound => {
                AppError::not_found("partner_not_found", "No such delivery partner.")
            }
            other => other.into(),
        })?;
    if suspended == Some(true) {
        state
            .realtime
            .set_partner_available(partner_id, false)
            .await;
    }
    state.realtime.stats_changed();
    Ok(PartnerView::from(&p))
}

pub async fn products(state: &AppState, q: AdminProductQuery) -> Result<ProductsResponse> {
    let (page, limit, offset) = page_params(q.page, q.limit)?;
    let query = ProductQuery {
        category: q.category.filter(|c| !c.trim().is_empty()),
        search: q.search.filter(|s| !s.trim().is_empty()),
        include_inactive: true,
        sort: qc_store::ProductSort::Name,
        offset,
        limit,
        ..Default::default()
    };
    let (products, total) = state.store.list_products(&query).await?;
    Ok(ProductsResponse {
        success: true,
        products: products.iter().map(ProductView::from).collect(),
        pagination: Pagination::new(page, limit, total),
    })
}

fn check_text(e: &mut ValidationErrors, field: &str, v: &str, max: usize) {
    let n = v.trim().chars().count();
    if n == 0 || n > max {
        e.push(field, format!("must be 1 to {max} characters"));
    }
}

fn check_money(e: &mut ValidationErrors, field: &str, v: Option<i64>) {
    if v.is_some_and(|p| !(1..=10_000_000).contains(&p)) {
        e.push(field, "must be between 1 and 10000000 minor units");
    }
}

pub async fn create_product(state: &AppState, req: CreateProductRequest) -> Result<ProductView> {
    let mut e = ValidationErrors::new();
    check_text(&mut e, "sku", &req.sku, 40);
    check_text(&mut e, "name", &req.name, 120);
    check_text(&mut e, "unit", &req.unit, 40);
    check_money(&mut e, "price", Some(req.price));
    check_money(&mut e, "mrp", req.mrp);
    if req.mrp.is_some_and(|m| m < req.price) {
        e.push("mrp", "must be at least the price");
    }
    if !(0..=1_000_000).contains(&req.stock) {
        e.push("stock", "must be between 0 and 1000000");
    }
    e.into_result()?;
    let product = state
        .store
        .create_product(NewProduct {
            sku: req.sku.trim().to_owned(),
            name: req.name.trim().to_owned(),
            description: req.description.trim().to_owned(),
            category: req.category.trim().to_owned(),
            unit: req.unit.trim().to_owned(),
            price: Money(req.price),
            mrp: Money(req.mrp.unwrap_or(req.price)),
            stock: req.stock,
            brand: req.brand.filter(|b| !b.trim().is_empty()),
            tags: req.tags,
        })
        .await
        .map_err(|e| match e {
            StoreError::NotFound => {
                AppError::from(ValidationErrors::one("category", "no such category"))
            }
            StoreError::Conflict(m) => AppError::conflict("sku_taken", m),
            other => other.into(),
        })?;
    state.catalog_changed();
    Ok(ProductView::from(&product))
}

fn product_err(e: StoreError) -> AppError {
    match e {
        StoreError::NotFound => AppError::not_found("product_not_found", "No such product."),
        StoreError::Conflict(m) => AppError::bad_request("invalid_product", m),
        StoreError::InvalidState(m) => AppError::conflict("invalid_stock", m),
        other => other.into(),
    }
}

pub async fn update_product(
    state: &AppState,
    id: &str,
    req: UpdateProductRequest,
) -> Result<ProductView> {
    let mut e = ValidationErrors::new();
    if let Some(n) = &req.name {
        check_text(&mut e, "name", n, 120);
    }
    if let Some(u) = &req.unit {
        check_text(&mut e, "unit", u, 40);
    }
    check_money(&mut e, "price", req.price);
    check_money(&mut e, "mrp", req.mrp);
    e.into_result()?;
    let deactivating = req.is_active == Some(false);
    let product = state
        .store
        .update_product(
            id,
            ProductPatch {
                name: req.name.map(|s| s.trim().to_owned()),
                description: req.description,
                unit: req.unit.map(|s| s.trim().to_owned()),
                price: req.price.map(Money),
                mrp: req.mrp.map(Money),
                is_active: req.is_active,
                brand: req.brand.map(|b| Some(b).filter(|b| !b.trim().is_empty())),
                tags: req.tags,
                category: req.category,
            },
        )
        .await
        .map_err(product_err)?;
    // Clear cached pages before anyone is told: a client that refetches on the event
    // must not get the old page.
    state.catalog_changed();
    if deactivating || req.is_active == Some(true) {
        publish(state, &product).await;
    }
    Ok(ProductView::from(&product))
}

async fn publish(state: &AppState, p: &qc_store::Product) {
    state
        .realtime
        .inventory(vec![StockLevel {
            product_id: p.id.clone(),
            stock: p.stock,
            in_stock: p.stock > 0 && p.is_active,
        }])
        .await;
}

/// Set or adjust stock with a reason; open catalogs and carts hear `inventory:updated`.
pub async fn change_stock(
    state: &AppState,
    admin: &AuthUser,
    id: &str,
    req: StockRequest,
) -> Result<ProductView> {
    let reason = reason_of(&req.reason)?;
    let change = match (req.set, req.adjust) {
        (Some(n), None) if (0..=1_000_000).contains(&n) => StockChange::Set(n),
        (None, Some(d)) if d != 0 && d.abs() <= 1_000_000 => StockChange::Adjust(d),
        _ => {
            return Err(ValidationErrors::one(
                "set",
                "give either set (0 to 1000000) or a non-zero adjust, not both",
            )
            .into());
        }
    };
    let product = state
        .store
        .change_stock(id, change, &reason, &admin.id)
        .await
        .map_err(product_err)?;
    state.catalog_changed();
    publish(state, &product).await;
    Ok(ProductView::from(&product))
}

pub async fn create_category(state: &AppState, req: CategoryRequest) -> Result<CategoryView> {
    let mut e = ValidationErrors::new();
    let slug = req.slug.trim().to_lowercase();
    if slug.is_empty()
        || slug.len() > 40
        || !slug.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    {
        e.push(
            "slug",
            "must be 1 to 40 lowercase letters, digits and dashes",
        );
    }
    check_text(&mut e, "name", &req.name, 60);
    e.into_result()?;
    let c = state
        .store
        .upsert_category(NewCategory {
            slug,
            name: req.name.trim().to_owned(),
            description: req.description.trim().to_owned(),
            color: req.color.unwrap_or_else(|| "#607d8b".into()),
            icon: req.icon.unwrap_or_default(),
            sort_order: 100,
        })
        .await?;
    state.catalog_changed();
    Ok(CategoryView::new(&c, 0))
}

pub async fn update_category(
    state: &AppState,
    id: &str,
    req: UpdateCategoryRequest,
) -> Result<CategoryView> {
    let c = state
        .store
        .update_category(
            id,
            CategoryPatch {
                name: req.name,
                description: req.description,
                color: req.color,
                icon: req.icon,
                is_active: req.is_active,
            },
        )
        .await
        .map_err(|e| match e {
            StoreError::NotFound => AppError::not_found("category_not_found", "No such category."),
            other => other.into(),
        })?;
    state.catalog_changed();
    Ok(CategoryView::new(&c, 0))
}
