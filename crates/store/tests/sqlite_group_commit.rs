//! SQLite places orders that queue behind a running write in one shared transaction.
//! Here the database file is held by another connection while 40 orders arrive, so they
//! are certain to queue and be placed together; each must still get its own outcome.
#![allow(clippy::unwrap_used)]

use chrono::Utc;
use futures::future::join_all;
use qc_domain::{Address, Money, OrderStatus, Role};
use qc_store::*;
use sqlx::Connection;
use std::str::FromStr;
use std::time::Duration;

async fn product(store: &DynStore, sku: &str, stock: i64) -> Product {
    store
        .create_product(NewProduct {
            sku: sku.into(),
            name: format!("Product {sku}"),
            description: String::new(),
            category: "c".into(),
            unit: "1 kg".into(),
            price: Money(100),
            mrp: Money(100),
            stock,
            brand: None,
            tags: Vec::new(),
        })
        .await
        .unwrap()
}

fn order_of(customer: &str, lines: &[(&Product, u32)]) -> (Order, OrderEvent) {
    let now = Utc::now();
    let id = uuid::Uuid::now_v7().simple().to_string();
    let items: Vec<OrderItem> = lines
        .iter()
        .map(|(p, q)| OrderItem {
            product_id: p.id.clone(),
            sku: p.sku.clone(),
            name: p.name.clone(),
            unit: p.unit.clone(),
            unit_price: p.price,
            quantity: *q,
            line_total: p.price * *q,
        })
        .collect();
    let total = items.iter().fold(Money::ZERO, |a, i| a + i.line_total);
    let order = Order {
        id: id.clone(),
        customer_id: customer.into(),
        partner_id: None,
        status: OrderStatus::Pending,
        items,
        subtotal: total,
        delivery_fee: Money::ZERO,
        total,
        payment_method: "cash".into(),
        address: Address {
            label: "Home".into(),
            street: "12 Hill Road".into(),
            city: "Mumbai".into(),
            state: "MH".into(),
            zip_code: "400050".into(),
            lat: None,
            lng: None,
        },
        confirmation_code: "1234".into(),
        code_attempts: 0,
        notes: None,
        cancel_reason: None,
        cancelled_by: None,
        payout: None,
        distance_m: None,
        last_seq: 1,
        created_at: now,
        accepted_at: None,
        picked_up_at: None,
        on_the_way_at: None,
        delivered_at: None,
        cancelled_at: None,
        updated_at: now,
    };
    let event = OrderEvent {
        order_id: id,
        seq: 1,
        kind: "order.created".into(),
        payload: serde_json::json!({"status": "pending"}),
        actor_id: Some(customer.into()),
        actor_role: Some("customer".into()),
        at: now,
    };
    (order, event)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queued_orders_share_a_transaction_and_keep_their_own_outcomes() {
    let dir = std::env::temp_dir().join(format!("qc-group-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}/qc.db", dir.display());
    let store = connect(&url, ConnectOptions::default()).await.unwrap();
    store.migrate().await.unwrap();
    let customer = store
        .create_user(NewUser {
            email: "c@x.io".into(),
            name: "C".into(),
            phone: None,
            role: Role::Customer,
            password_hash: "h".into(),
        })
        .await
        .unwrap();
    store
        .upsert_category(NewCategory {
            slug: "c".into(),
            name: "C".into(),
            description: String::new(),
            color: "#000000".into(),
            icon: String::new(),
            sort_order: 0,
        })
        .await
        .unwrap();
    let plenty = product(&store, "P", 1_000).await;
    let few = product(&store, "F", 5).await;

    // Another connection holds the write lock: every order below has to wait.
    let mut blocker = sqlx::SqliteConnection::connect_with(
        &sqlx::sqlite::SqliteConnectOptions::from_str(&url).unwrap(),
    )
    .await
    .unwrap();
    sqlx::raw_sql("BEGIN IMMEDIATE")
        .execute(&mut blocker)
        .await
        .unwrap();
    let placing = tokio::spawn({
        let store = store.clone();
        let (customer, plenty, few) = (customer.id.clone(), plenty.clone(), few.clone());
        async move {
            join_all((0..40).map(|i| {
                let store = store.clone();
                let lines: Vec<(&Product, u32)> = if i % 4 == 0 {
                    vec![(&plenty, 1)]
                } else {
                    // Takes from `plenty` first (id order), then fails on `few` once it
                    // is gone: those lines must be put back.
                    vec![(&plenty, 3), (&few, 1)]
                };
                let (order, event) = order_of(&customer, &lines);
                async move { store.place_order(&order, &event, None).await }
            }))
            .await
        }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    sqlx::raw_sql("ROLLBACK")
        .execute(&mut blocker)
        .await
        .unwrap();
    let results = placing.await.unwrap();

    let ok = results.iter().filter(|r| r.is_ok()).count();
    let short = results
        .iter()
        .filter(|r| matches!(r, Err(StoreError::OutOfStock(_))))
        .count();
    // 10 single-line orders and 5 of the 30 two-line ones.
    assert_eq!((ok, short), (15, 25), "{results:?}");
    // Each caller is told the stock its transaction left: the batch's final figures
    // (the one order the writer may have taken alone before the lock cleared excepted).
    let not_final = results
        .iter()
        .flatten()
        .filter(|levels| {
            levels.iter().any(|(id, left)| {
                (*id == plenty.id && *left != 1_000 - 10 - 5 * 3) || (*id == few.id && *left != 0)
            })
        })
        .count();
    assert!(not_final <= 1, "{results:?}");
    let stock = |id: String| {
        let store = store.clone();
        async move { store.product_by_id(&id).await.unwrap().unwrap().stock }
    };
    assert_eq!(stock(few.id.clone()).await, 0);
    assert_eq!(stock(plenty.id.clone()).await, 1_000 - 10 - 5 * 3);
    let (orders, total) = store
        .list_customer_orders(&customer.id, None, 0, 100)
        .await
        .unwrap();
    assert_eq!((orders.len(), total), (15, 15));
    for o in &orders {
        let events = store.order_events(&o.id, 0, 10).await.unwrap();
        assert_eq!(events.len(), 1, "one first event per order");
        assert_eq!(events[0].seq, 1);
        assert_eq!(o.last_seq, 1);
        assert!(!o.items.is_empty());
    }
    drop(store);
    let _ = std::fs::remove_dir_all(&dir);
}
