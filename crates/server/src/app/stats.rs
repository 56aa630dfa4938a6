//! The admin dashboard's numbers, and the task that pushes them to admin sockets as
//! `stats:updated` (coalesced: at most one every [`STATS_EVERY`], only after a change).

use super::AppState;
use crate::api::{LowStockItem, OrdersByStatus, PartnerCounts, StatsView};
use crate::error::Result;
use chrono::{DateTime, TimeZone, Utc};
use qc_domain::OrderStatus;
use std::time::Duration;

/// `stats:updated` is pushed at most this often, however busy the platform is.
const STATS_EVERY: Duration = Duration::from_secs(2);

/// Products below this stock show up as low stock.
pub const LOW_STOCK_BELOW: i64 = 5;

pub fn start_of_today() -> DateTime<Utc> {
    let now = Utc::now();
    now.date_naive()
        .and_hms_opt(0, 0, 0)
        .map_or(now, |d| Utc.from_utc_datetime(&d))
}

/// The dashboard numbers (of one store, or of all), from the database plus live
/// presence.
pub async fn stats(state: &AppState, store: Option<&str>) -> Result<StatsView> {
    let store = store.filter(|s| !s.is_empty());
    if let Some(id) = store
        && state.store.store_by_id(id).await?.is_none()
    {
        return Err(crate::error::AppError::not_found(
            "store_not_found",
            "No such store.",
        ));
    }
    let snap = state
        .store
        .stats_snapshot(start_of_today(), LOW_STOCK_BELOW, store)
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
    let online = state.broadcast.online_counts().await;
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
            .map(|l| LowStockItem {
                product_id: l.product_id.clone(),
                name: l.name.clone(),
                stock: l.stock,
                store_id: l.store_id.clone(),
                store_code: l.store_code.clone(),
            })
            .collect(),
        late_orders: snap.late,
        at_risk_orders: snap.at_risk,
        on_time_rate_today: (snap.delivered_today > 0)
            .then(|| snap.on_time_today as f64 / snap.delivered_today as f64),
        store_id: store.map(str::to_owned),
        generated_at: Some(Utc::now()),
    })
}

/// Push `stats:updated` (and `presence:updated`) to this instance's admin sockets after
/// every change the broadcaster is told of, at most once per [`STATS_EVERY`].
pub fn spawn_pusher(state: &AppState) {
    let state = state.clone();
    let dirty = state.broadcast.stats_dirty();
    tokio::spawn(async move {
        loop {
            dirty.notified().await;
            let rt = &state.broadcast;
            if rt.presence.local_admins() > 0 {
                match stats(&state, None).await {
                    Ok(stats) => {
                        let online = rt.online_counts().await;
                        rt.admin_stats(&stats, online).await;
                    }
                    Err(e) => tracing::warn!(error = %e, "could not compute stats"),
                }
            }
            tokio::time::sleep(STATS_EVERY).await;
        }
    });
}
