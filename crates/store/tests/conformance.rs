//! One conformance suite for every backend: SQLite always, PostgreSQL whenever
//! `QC_TEST_POSTGRES_URL` is set (each run in a database of its own, dropped after).
#![allow(clippy::unwrap_used)]

use chrono::Utc;
use futures::future::join_all;
use qc_domain::{Address, Money, OrderStatus, PartnerStatus, PaymentMethod, Role, UserStatus};
use qc_store::testing::TempDatabase;
use qc_store::*;
use sqlx::Connection;
use std::str::FromStr;
use std::time::Duration;

/// A store plus whatever must live as long as it (temp dir or temp database).
struct Backend {
    name: &'static str,
    store: SharedStore,
    /// The dark store every helper stocks and orders from.
    shop: String,
    _pg: Option<TempDatabase>,
    _dir: Option<std::path::PathBuf>,
}

/// A migrated SQLite store in a temp dir, and its URL.
async fn sqlite() -> (Backend, String) {
    let dir = std::env::temp_dir().join(format!("qc-conf-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}/qc.db", dir.display());
    let sqlite = connect(&url, ConnectOptions::default()).await.unwrap();
    sqlite.migrate().await.unwrap();
    let shop = shop(&sqlite, "S1").await;
    let backend = Backend {
        name: "sqlite",
        store: sqlite,
        shop,
        _pg: None,
        _dir: Some(dir),
    };
    (backend, url)
}

async fn backends() -> Vec<Backend> {
    let mut all = vec![sqlite().await.0];
    match std::env::var("QC_TEST_POSTGRES_URL") {
        Ok(base) if !base.is_empty() => {
            let db = TempDatabase::create(&base)
                .await
                .expect("QC_TEST_POSTGRES_URL is set but unreachable");
            let pg = connect(
                &db.url,
                ConnectOptions {
                    max_connections: 16,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
            pg.migrate().await.unwrap();
            let shop = shop(&pg, "S1").await;
            all.push(Backend {
                name: "postgres",
                store: pg,
                shop,
                _pg: Some(db),
                _dir: None,
            });
        }
        _ => eprintln!("QC_TEST_POSTGRES_URL not set: PostgreSQL conformance skipped, SQLite only"),
    }
    all
}

/// A dark store serving a square around Bandra, always open.
async fn shop(store: &SharedStore, code: &str) -> String {
    store
        .create_store(NewStore {
            code: code.into(),
            name: format!("Store {code}"),
            street: String::new(),
            location: qc_domain::GeoPoint::parse(19.06, 72.83).unwrap(),
            zone: Some(serde_json::json!({"type": "Polygon", "coordinates": [[
                [72.8, 19.0], [72.9, 19.0], [72.9, 19.1], [72.8, 19.1], [72.8, 19.0]
            ]]})),
            zip_codes: vec![],
            timezone: "Asia/Kolkata".into(),
            hours: Default::default(),
            paused: false,
            settings: serde_json::json!({}),
        })
        .await
        .unwrap()
        .id
}

/// The first store (the one [`backends`] creates).
async fn first_shop(store: &SharedStore) -> String {
    store.list_stores().await.unwrap()[0].id.clone()
}

/// A user; a delivery partner works at the first store, verified and available, as an
/// admin leaves one.
async fn user(store: &SharedStore, email: &str, role: Role) -> User {
    let home_store_id = match role {
        Role::Delivery => Some(first_shop(store).await),
        _ => None,
    };
    let u = store
        .create_user(NewUser {
            email: email.into(),
            name: "T".into(),
            phone: None,
            role,
            password_hash: "h".into(),
            home_store_id,
        })
        .await
        .unwrap();
    if role == Role::Delivery {
        store
            .set_partner_flags(&u.id, Some(true), None)
            .await
            .unwrap();
        store.set_availability(&u.id, true).await.unwrap();
    }
    u
}

async fn product(store: &SharedStore, sku: &str, price: i64, stock: i64) -> Product {
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
    store
        .create_product(NewProduct {
            sku: sku.into(),
            name: format!("Product {sku}"),
            description: "Fresh Alphonso mangoes".into(),
            category: "c".into(),
            unit: "1 kg".into(),
            price: Money(price),
            mrp: Money(price),
            stock,
            stores: vec![first_shop(store).await],
            brand: None,
            tags: vec!["fruit".into()],
        })
        .await
        .unwrap()
}

fn address() -> Address {
    Address {
        label: "Home".into(),
        street: "12 Hill Road".into(),
        city: "Mumbai".into(),
        state: "MH".into(),
        zip_code: "400050".into(),
        lat: Some(19.05),
        lng: Some(72.84),
    }
}

fn order_of(shop: &str, customer: &str, lines: &[(&Product, u32)]) -> Order {
    let now = Utc::now();
    let id = uuid::Uuid::now_v7().simple().to_string();
    let items: Vec<OrderItem> = lines
        .iter()
        .enumerate()
        .map(|(n, (p, q))| OrderItem {
            product_id: p.id.clone(),
            sku: p.sku.clone(),
            name: p.name.clone(),
            unit: p.unit.clone(),
            unit_price: p.price,
            quantity: *q,
            line_total: p.price * *q,
            pick: LinePick {
                line: n as i64,
                ..Default::default()
            },
        })
        .collect();
    let subtotal = items.iter().fold(Money::ZERO, |a, i| a + i.line_total);
    Order {
        id: id.clone(),
        store_id: shop.into(),
        promised_minutes: Some(20),
        promised_at: Some(now + chrono::Duration::minutes(20)),
        dispatch: DispatchState::Broadcast,
        pick: OrderPick::default(),
        rating: None,
        customer_id: customer.into(),
        partner_id: None,
        status: OrderStatus::Pending,
        items,
        subtotal,
        delivery_fee: Money(2_500),
        total: subtotal + Money(2_500),
        payment_method: PaymentMethod::Cash,
        address: address(),
        confirmation_code: "4321".into(),
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
    }
}

/// A second connection to the SQLite file at `url` holding its write lock (`BEGIN
/// IMMEDIATE`) until it runs `ROLLBACK`.
async fn sqlite_write_lock(url: &str) -> sqlx::SqliteConnection {
    let mut conn = sqlx::SqliteConnection::connect_with(
        &sqlx::sqlite::SqliteConnectOptions::from_str(url).unwrap(),
    )
    .await
    .unwrap();
    sqlx::raw_sql("BEGIN IMMEDIATE")
        .execute(&mut conn)
        .await
        .unwrap();
    conn
}

async fn stock(store: &SharedStore, id: &str) -> i64 {
    let shop = first_shop(store).await;
    store
        .product_by_id(id, Some(&shop))
        .await
        .unwrap()
        .unwrap()
        .stock
}

#[tokio::test]
async fn accounts() {
    for b in backends().await {
        let s = &b.store;
        let u = user(s, "a@x.io", Role::Delivery).await;
        assert!(
            matches!(
                s.create_user(NewUser {
                    email: "a@x.io".into(),
                    name: "B".into(),
                    phone: None,
                    role: Role::Customer,
                    password_hash: "h".into(),
                    home_store_id: None,
                })
                .await,
                Err(StoreError::Conflict(_))
            ),
            "{}",
            b.name
        );
        assert_eq!(s.user_by_email("a@x.io").await.unwrap().unwrap().id, u.id);
        assert!(
            s.partner_profile(&u.id).await.unwrap().is_some(),
            "{}: delivery users get a profile",
            b.name
        );
        let p = s
            .update_profile(
                &u.id,
                ProfilePatch {
                    name: Some("New".into()),
                    phone: Some(Some("+911234567".into())),
                },
            )
            .await
            .unwrap();
        assert_eq!(
            (p.name.as_str(), p.phone.as_deref()),
            ("New", Some("+911234567"))
        );
        let p = s
            .update_profile(
                &u.id,
                ProfilePatch {
                    name: None,
                    phone: Some(None),
                },
            )
            .await
            .unwrap();
        assert_eq!((p.name.as_str(), p.phone), ("New", None));
        assert_eq!(s.set_password(&u.id, "h2").await.unwrap().token_version, 1);
        s.revoke_tokens(&u.id).await.unwrap();
        let blocked = s.set_user_status(&u.id, UserStatus::Blocked).await.unwrap();
        assert_eq!(
            (blocked.status, blocked.token_version),
            (UserStatus::Blocked, 3)
        );
        assert!(matches!(
            s.revoke_tokens("nobody").await,
            Err(StoreError::NotFound)
        ));
        assert_eq!(s.count_users().await.unwrap(), 1);
    }
}

#[tokio::test]
async fn catalog_queries() {
    for b in backends().await {
        let s = &b.store;
        let a = product(s, "A", 100, 0).await;
        let bp = product(s, "B", 300, 5).await;
        product(s, "C", 200, 9).await;
        assert!(matches!(
            s.create_product(NewProduct {
                sku: "A".into(),
                name: "x".into(),
                description: String::new(),
                category: "c".into(),
                unit: "1".into(),
                price: Money(1),
                mrp: Money(1),
                stock: 0,
                stores: vec![],
                brand: None,
                tags: vec![]
            })
            .await,
            Err(StoreError::Conflict(_))
        ));
        let q = |f: &dyn Fn(&mut ProductQuery)| {
            let mut q = ProductQuery {
                limit: 10,
                ..Default::default()
            };
            f(&mut q);
            q
        };
        let (all, total) = s.list_products(&q(&|_| {})).await.unwrap();
        assert_eq!((all.len(), total), (3, 3), "{}", b.name);
        let (_, n) = s.list_products(&q(&|q| q.in_stock = true)).await.unwrap();
        assert_eq!(n, 2);
        let (found, _) = s
            .list_products(&q(&|q| q.search = Some("ALPHONSO".into())))
            .await
            .unwrap();
        assert_eq!(found.len(), 3, "{}: search is case-insensitive", b.name);
        let (none, _) = s
            .list_products(&q(&|q| q.search = Some("%".into())))
            .await
            .unwrap();
        assert!(none.is_empty(), "{}: % is literal", b.name);
        let (range, _) = s
            .list_products(&q(&|q| {
                q.min_price = Some(Money(150));
                q.max_price = Some(Money(250));
            }))
            .await
            .unwrap();
        assert_eq!(range.len(), 1);
        let (sorted, _) = s
            .list_products(&q(&|q| q.sort = ProductSort::PriceDesc))
            .await
            .unwrap();
        assert_eq!(
            sorted.iter().map(|p| p.price.minor()).collect::<Vec<_>>(),
            [300, 200, 100]
        );
        let (page, total) = s
            .list_products(&q(&|q| {
                q.limit = 1;
                q.offset = 2;
                q.sort = ProductSort::PriceAsc;
            }))
            .await
            .unwrap();
        assert_eq!((page[0].price.minor(), total), (300, 3));
        let by_ids = s
            .products_by_ids(&[a.id.clone(), bp.id.clone(), "nope".into()], &b.shop)
            .await
            .unwrap();
        assert_eq!(by_ids.len(), 2);
        s.set_product_active(&a.id, false).await.unwrap();
        assert_eq!(s.list_products(&q(&|_| {})).await.unwrap().1, 2);
        assert_eq!(s.list_categories().await.unwrap()[0].product_count, 2);
        s.set_store_stock(&b.shop, &bp.id, 42, Some("B1-04"))
            .await
            .unwrap();
        let shelved = s
            .product_by_id(&bp.id, Some(&b.shop))
            .await
            .unwrap()
            .unwrap();
        assert_eq!((shelved.stock, shelved.bin.as_deref()), (42, Some("B1-04")));
        let changed = s
            .change_stock(&b.shop, &bp.id, StockChange::Adjust(-2), "damaged", "admin")
            .await
            .unwrap();
        assert_eq!(changed.stock, 40);
        assert!(matches!(
            s.change_stock(&b.shop, &bp.id, StockChange::Adjust(-41), "x", "admin")
                .await,
            Err(StoreError::InvalidState(_))
        ));

        // A second store: its stock is its own, in lists, lookups and filters.
        let other = shop(s, "S2").await;
        assert_eq!(
            s.product_by_id(&bp.id, Some(&other))
                .await
                .unwrap()
                .unwrap()
                .stock,
            0,
            "{}: a product not stocked at a store has none there",
            b.name
        );
        s.change_stock(&other, &bp.id, StockChange::Set(7), "delivery", "admin")
            .await
            .unwrap();
        assert_eq!(stock(s, &bp.id).await, 40, "{}", b.name);
        let (at_other, _) = s
            .list_products(&q(&|q| {
                q.store_id = Some(other.clone());
                q.in_stock = true;
            }))
            .await
            .unwrap();
        assert_eq!(
            at_other
                .iter()
                .map(|p| (p.sku.as_str(), p.stock))
                .collect::<Vec<_>>(),
            [("B", 7)],
            "{}",
            b.name
        );
        let all_stores = s.product_by_id(&bp.id, None).await.unwrap().unwrap();
        assert_eq!(all_stores.stock, 47, "{}: no store named sums them", b.name);
        assert!(matches!(
            s.change_stock("no-such-store", &bp.id, StockChange::Set(1), "x", "admin")
                .await,
            Err(StoreError::Conflict(_))
        ));
        let up = s
            .update_product(
                &bp.id,
                ProductPatch {
                    price: Some(Money(350)),
                    mrp: Some(Money(400)),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!((up.price, up.mrp), (Money(350), Money(400)));
    }
}

#[tokio::test]
async fn addresses_are_owned() {
    for b in backends().await {
        let s = &b.store;
        let u1 = user(s, "a@x.io", Role::Customer).await;
        let u2 = user(s, "b@x.io", Role::Customer).await;
        let first = s.create_address(&u1.id, address(), false, 2).await.unwrap();
        assert!(first.is_default, "{}", b.name);
        let second = s.create_address(&u1.id, address(), true, 2).await.unwrap();
        assert!(second.is_default);
        assert!(matches!(
            s.create_address(&u1.id, address(), false, 2).await,
            Err(StoreError::LimitReached(_))
        ));
        let list = s.list_addresses(&u1.id).await.unwrap();
        assert_eq!(list.iter().filter(|a| a.is_default).count(), 1);
        assert!(matches!(
            s.delete_address(&u2.id, &first.id).await,
            Err(StoreError::NotFound)
        ));
        assert!(s.address(&u2.id, &first.id).await.unwrap().is_none());
        s.delete_address(&u1.id, &second.id).await.unwrap();
        assert!(
            s.address(&u1.id, &first.id)
                .await
                .unwrap()
                .unwrap()
                .is_default
        );
    }
}

#[tokio::test]
async fn placing_and_cancelling_orders() {
    for b in backends().await {
        let s = &b.store;
        let c = user(s, "c@x.io", Role::Customer).await;
        let a = product(s, "A", 1_000, 3).await;
        let p2 = product(s, "B", 500, 10).await;
        let order = order_of(&b.shop, &c.id, &[(&a, 2), (&p2, 1)]);
        s.place_order(&order, None, 0).await.unwrap();
        assert_eq!(
            (stock(s, &a.id).await, stock(s, &p2.id).await),
            (1, 9),
            "{}",
            b.name
        );
        let stored = s.order_by_id(&order.id).await.unwrap().unwrap();
        assert_eq!(
            (stored.items.len(), stored.total, stored.last_seq),
            (2, order.total, 1)
        );
        assert_eq!(stored.address, address());

        let short = order_of(&b.shop, &c.id, &[(&a, 2), (&p2, 20)]);
        match s.place_order(&short, None, 0).await {
            Err(StoreError::OutOfStock(lines)) => {
                assert_eq!(lines.len(), 2, "{}: every short line is named", b.name);
                assert!(
                    lines
                        .iter()
                        .any(|l| l.product_id == a.id && l.available == 1)
                );
            }
            other => panic!("{}: {other:?}", b.name),
        }
        assert_eq!(
            (stock(s, &a.id).await, stock(s, &p2.id).await),
            (1, 9),
            "{}: nothing changed",
            b.name
        );
        assert!(s.order_by_id(&short.id).await.unwrap().is_none());

        let mut stale = order_of(&b.shop, &c.id, &[(&p2, 1)]);
        stale.items[0].unit_price = Money(1);
        assert!(matches!(
            s.place_order(&stale, None, 0).await,
            Err(StoreError::StaleProducts(_))
        ));

        let (list, total) = s.list_customer_orders(&c.id, None, 0, 10).await.unwrap();
        assert_eq!((list.len(), total), (1, 1));
        let OrderChange {
            order: cancelled,
            event: ev,
            ..
        } = s
            .cancel_order(
                &order.id,
                &Canceller::Customer(c.id.clone()),
                Some("oops"),
                Utc::now(),
            )
            .await
            .unwrap();
        assert_eq!((cancelled.status, ev.seq), (OrderStatus::Cancelled, 2));
        assert_eq!((stock(s, &a.id).await, stock(s, &p2.id).await), (3, 10));
        assert!(matches!(
            s.cancel_order(
                &order.id,
                &Canceller::Customer(c.id.clone()),
                None,
                Utc::now()
            )
            .await,
            Err(StoreError::InvalidState(_))
        ));
        assert!(matches!(
            s.cancel_order(
                &order.id,
                &Canceller::Customer("other".into()),
                None,
                Utc::now()
            )
            .await,
            Err(StoreError::NotFound)
        ));
        let events = s.order_events(&order.id, 1, 10).await.unwrap();
        assert_eq!(events.iter().map(|e| e.seq).collect::<Vec<_>>(), [2]);
    }
}

#[tokio::test]
async fn idempotency_keys() {
    for b in backends().await {
        let s = &b.store;
        let c = user(s, "c@x.io", Role::Customer).await;
        let p = product(s, "A", 1_000, 10).await;
        let (stale, ttl) = (chrono::Duration::seconds(60), chrono::Duration::hours(48));
        assert_eq!(
            s.claim_idempotency_key(&c.id, "k", "h1", stale, ttl)
                .await
                .unwrap(),
            IdempotencyClaim::Fresh
        );
        assert_eq!(
            s.claim_idempotency_key(&c.id, "k", "h1", stale, ttl)
                .await
                .unwrap(),
            IdempotencyClaim::InProgress
        );
        assert_eq!(
            s.claim_idempotency_key(&c.id, "k", "h2", stale, ttl)
                .await
                .unwrap(),
            IdempotencyClaim::Mismatch
        );
        let order = order_of(&b.shop, &c.id, &[(&p, 1)]);
        let record = IdempotencyRecord {
            user_id: c.id.clone(),
            key: "k".into(),
            status: 201,
            body: "{\"ok\":1}".into(),
        };
        s.place_order(&order, Some(record), 0).await.unwrap();
        assert_eq!(
            s.claim_idempotency_key(&c.id, "k", "h1", stale, ttl)
                .await
                .unwrap(),
            IdempotencyClaim::Replay {
                status: 201,
                body: "{\"ok\":1}".into()
            },
            "{}",
            b.name
        );
        assert_eq!(
            s.claim_idempotency_key("someone-else", "k", "h1", stale, ttl)
                .await
                .unwrap(),
            IdempotencyClaim::Fresh
        );
        s.claim_idempotency_key(&c.id, "gone", "h", stale, ttl)
            .await
            .unwrap();
        s.release_idempotency_key(&c.id, "gone").await.unwrap();
        assert_eq!(
            s.claim_idempotency_key(&c.id, "gone", "h", stale, ttl)
                .await
                .unwrap(),
            IdempotencyClaim::Fresh
        );

        // Twenty concurrent claims of one new key: exactly one is fresh.
        let claims = join_all((0..20).map(|_| {
            let s = s.clone();
            let id = c.id.clone();
            async move {
                s.claim_idempotency_key(&id, "burst", "h", stale, ttl)
                    .await
                    .unwrap()
            }
        }))
        .await;
        assert_eq!(
            claims
                .iter()
                .filter(|c| **c == IdempotencyClaim::Fresh)
                .count(),
            1,
            "{}",
            b.name
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn no_oversell_and_no_deadlock_under_concurrency() {
    for b in backends().await {
        let s = &b.store;
        let c = user(s, "c@x.io", Role::Customer).await;
        let scarce = product(s, "S", 1_000, 10).await;
        let results = join_all((0..60).map(|_| {
            let s = s.clone();
            let order = order_of(&b.shop, &c.id, &[(&scarce, 1)]);
            tokio::spawn(async move { s.place_order(&order, None, 0).await })
        }))
        .await;
        let ok = results.iter().filter(|r| matches!(r, Ok(Ok(_)))).count();
        let short = results
            .iter()
            .filter(|r| matches!(r, Ok(Err(StoreError::OutOfStock(_)))))
            .count();
        assert_eq!((ok, short), (10, 50), "{}", b.name);
        assert_eq!(stock(s, &scarce.id).await, 0);

        let x = product(s, "X", 100, 1_000).await;
        let y = product(s, "Y", 100, 1_000).await;
        let results = join_all((0..40).map(|i| {
            let s = s.clone();
            let lines: Vec<(&Product, u32)> = if i % 2 == 0 {
                vec![(&x, 1), (&y, 2)]
            } else {
                vec![(&y, 2), (&x, 1)]
            };
            let order = order_of(&b.shop, &c.id, &lines);
            tokio::spawn(async move { s.place_order(&order, None, 0).await })
        }))
        .await;
        assert!(
            results.iter().all(|r| matches!(r, Ok(Ok(_)))),
            "{}: {results:?}",
            b.name
        );
        assert_eq!((stock(s, &x.id).await, stock(s, &y.id).await), (960, 920));

        // Orders that fail on a later line put back what their earlier lines took, while
        // the orders placed beside them (SQLite places concurrent orders in one
        // transaction) keep theirs; each success reports the stock it left.
        let d = user(s, "d@x.io", Role::Customer).await;
        let plenty = product(s, "P", 100, 1_000).await;
        let few = product(s, "F", 100, 5).await;
        let results = join_all((0..60).map(|i| {
            let s = s.clone();
            let lines: Vec<(&Product, u32)> = if i % 3 == 0 {
                vec![(&plenty, 1)]
            } else {
                vec![(&plenty, 2), (&few, 1)]
            };
            let order = order_of(&b.shop, &d.id, &lines);
            tokio::spawn(async move { s.place_order(&order, None, 0).await })
        }))
        .await;
        let mut left_of_plenty = Vec::new();
        let (mut ok, mut short) = (0, 0);
        for r in &results {
            match r {
                Ok(Ok(change)) => {
                    ok += 1;
                    for l in &change.stock {
                        if l.product_id == plenty.id {
                            left_of_plenty.push(l.stock);
                        }
                    }
                }
                Ok(Err(StoreError::OutOfStock(_))) => short += 1,
                other => panic!("{}: unexpected {other:?}", b.name),
            }
        }
        // 20 single-line orders and 5 of the 40 two-line orders succeed.
        assert_eq!((ok, short), (25, 35), "{}", b.name);
        assert_eq!(stock(s, &few.id).await, 0, "{}", b.name);
        assert_eq!(stock(s, &plenty.id).await, 1_000 - 20 - 5 * 2, "{}", b.name);
        // Each success reports the stock its committing transaction left: never below
        // the final figure, and the last commit reports exactly that.
        assert_eq!(left_of_plenty.len(), 25, "{}", b.name);
        let final_left = 1_000 - 20 - 5 * 2;
        assert!(
            left_of_plenty
                .iter()
                .all(|l| (final_left..1_000).contains(l)),
            "{}: {left_of_plenty:?}",
            b.name
        );
        assert_eq!(left_of_plenty.iter().min(), Some(&final_left), "{}", b.name);
        let (placed, total) = s.list_customer_orders(&d.id, None, 0, 100).await.unwrap();
        assert_eq!(
            (placed.len(), total),
            (25, 25),
            "{}: failed orders left nothing",
            b.name
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn exactly_one_partner_wins_and_the_flow_only_goes_forward() {
    for b in backends().await {
        let s = &b.store;
        let c = user(s, "c@x.io", Role::Customer).await;
        let p = product(s, "A", 1_000, 10).await;
        let mut partners = Vec::new();
        for i in 0..20 {
            partners.push(user(s, &format!("p{i}@x.io"), Role::Delivery).await);
        }
        let order = order_of(&b.shop, &c.id, &[(&p, 1)]);
        s.place_order(&order, None, 0).await.unwrap();
        // Not verified, or not available: refused, and the order stays on offer.
        let newbie = s
            .create_user(NewUser {
                email: "new@x.io".into(),
                name: "N".into(),
                phone: None,
                role: Role::Delivery,
                password_hash: "h".into(),
                home_store_id: Some(b.shop.clone()),
            })
            .await
            .unwrap();
        assert!(matches!(
            s.set_availability(&newbie.id, true).await,
            Err(StoreError::Ineligible("partner_not_verified"))
        ));
        assert!(matches!(
            s.accept_order(&order.id, &newbie.id, 5, None, Utc::now())
                .await,
            Err(StoreError::Ineligible("partner_not_verified"))
        ));
        s.set_availability(&partners[0].id, false).await.unwrap();
        assert!(matches!(
            s.accept_order(&order.id, &partners[0].id, 5, None, Utc::now())
                .await,
            Err(StoreError::Ineligible("partner_unavailable"))
        ));
        s.set_availability(&partners[0].id, true).await.unwrap();
        let results = join_all(partners.iter().map(|partner| {
            let s = s.clone();
            let (oid, pid) = (order.id.clone(), partner.id.clone());
            tokio::spawn(async move { s.accept_order(&oid, &pid, 5, Some(1200), Utc::now()).await })
        }))
        .await;
        let winners: Vec<String> = results
            .iter()
            .filter_map(|r| match r {
                Ok(Ok(c)) => c.order.partner_id.clone(),
                _ => None,
            })
            .collect();
        assert_eq!(winners.len(), 1, "{}", b.name);
        assert!(
            results
                .iter()
                .all(|r| matches!(r, Ok(Ok(_)) | Ok(Err(StoreError::InvalidState(_)))))
        );
        let winner = winners[0].clone();
        assert_eq!(s.order_events(&order.id, 0, 10).await.unwrap().len(), 2);

        let loser = partners.iter().find(|p| p.id != winner).unwrap();
        assert!(matches!(
            s.advance_order(
                &order.id,
                &loser.id,
                OrderStatus::Accepted,
                OrderStatus::PickedUp,
                Utc::now()
            )
            .await,
            Err(StoreError::NotFound)
        ));
        assert!(matches!(
            s.advance_order(
                &order.id,
                &winner,
                OrderStatus::PickedUp,
                OrderStatus::OnTheWay,
                Utc::now()
            )
            .await,
            Err(StoreError::InvalidState(_))
        ));
        s.advance_order(
            &order.id,
            &winner,
            OrderStatus::Accepted,
            OrderStatus::PickedUp,
            Utc::now(),
        )
        .await
        .unwrap();
        s.advance_order(
            &order.id,
            &winner,
            OrderStatus::PickedUp,
            OrderStatus::OnTheWay,
            Utc::now(),
        )
        .await
        .unwrap();
        s.record_location(&winner, &order.id, 19.06, 72.83, Utc::now(), true)
            .await
            .unwrap();
        assert_eq!(s.location_trail(&order.id, 10).await.unwrap().len(), 1);
        for left in [4, 3, 2, 1] {
            match s
                .confirm_delivery(&order.id, &winner, "0000", 5, Money(4_200), Utc::now())
                .await
                .unwrap()
            {
                Confirmation::WrongCode { attempts_left } => assert_eq!(attempts_left, left),
                other => panic!("{other:?}"),
            }
        }
        match s
            .confirm_delivery(&order.id, &winner, "4321", 5, Money(4_200), Utc::now())
            .await
            .unwrap()
        {
            Confirmation::Delivered(c) => assert_eq!(
                (c.order.status, c.order.payout, c.event.seq),
                (OrderStatus::Delivered, Some(Money(4_200)), 5)
            ),
            other => panic!("{}: {other:?}", b.name),
        }
        let profile = s.partner_profile(&winner).await.unwrap().unwrap();
        assert_eq!(
            (profile.total_deliveries, profile.total_earnings),
            (1, Money(4_200))
        );
        let day = Utc::now() - chrono::Duration::hours(1);
        let e = s.earnings(&winner, day, day, 10).await.unwrap();
        assert_eq!(
            (e.today, e.total, e.deliveries_total, e.recent.len()),
            (Money(4_200), Money(4_200), 1, 1)
        );
        let snap = s.stats_snapshot(day, 5, None).await.unwrap();
        assert_eq!(snap.revenue, order.total);
        assert_eq!(snap.delivery_seconds.len(), 1);
        assert_eq!(snap.partners_total, 21, "the twenty and the unverified one");
    }
}

#[tokio::test]
async fn wrong_codes_lock_and_admins_move_orders() {
    for b in backends().await {
        let s = &b.store;
        let c = user(s, "c@x.io", Role::Customer).await;
        let p1 = user(s, "p1@x.io", Role::Delivery).await;
        let p2 = user(s, "p2@x.io", Role::Delivery).await;
        let prod = product(s, "A", 1_000, 10).await;
        let order = order_of(&b.shop, &c.id, &[(&prod, 1)]);
        s.place_order(&order, None, 0).await.unwrap();
        s.accept_order(&order.id, &p1.id, 5, None, Utc::now())
            .await
            .unwrap();
        let c = s
            .unassign_order(&order.id, "admin", "bike broke", Utc::now())
            .await
            .unwrap();
        assert_eq!(
            (c.order.status, c.order.partner_id, c.previous_partner),
            (OrderStatus::Pending, None, Some(p1.id.clone())),
            "{}",
            b.name
        );
        let o = s
            .reassign_order(&order.id, &p2.id, "admin", "closest", Utc::now())
            .await
            .unwrap()
            .order;
        assert_eq!(
            (o.status, o.partner_id.as_deref()),
            (OrderStatus::Accepted, Some(p2.id.as_str()))
        );
        s.advance_order(
            &order.id,
            &p2.id,
            OrderStatus::Accepted,
            OrderStatus::PickedUp,
            Utc::now(),
        )
        .await
        .unwrap();
        assert!(matches!(
            s.unassign_order(&order.id, "admin", "x", Utc::now()).await,
            Err(StoreError::InvalidState(_))
        ));
        s.advance_order(
            &order.id,
            &p2.id,
            OrderStatus::PickedUp,
            OrderStatus::OnTheWay,
            Utc::now(),
        )
        .await
        .unwrap();
        for _ in 0..5 {
            s.confirm_delivery(&order.id, &p2.id, "9999", 5, Money(1), Utc::now())
                .await
                .unwrap();
        }
        assert!(matches!(
            s.confirm_delivery(&order.id, &p2.id, "4321", 5, Money(1), Utc::now())
                .await
                .unwrap(),
            Confirmation::Locked(_)
        ));
        let cancelled = s
            .cancel_order(
                &order.id,
                &Canceller::Admin("admin".into()),
                Some("refund"),
                Utc::now(),
            )
            .await
            .unwrap()
            .order;
        assert_eq!(cancelled.status, OrderStatus::Cancelled);
        assert_eq!(stock(s, &prod.id).await, 10);
        let rows = s.list_partners(None, None, 0, 10).await.unwrap().0;
        assert_eq!(rows.len(), 2);
        let (users, total) = s
            .list_users(&UserFilter {
                role: Some(Role::Delivery),
                limit: 10,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!((users.len(), total), (2, 2));
        let flagged = s
            .set_partner_flags(&p1.id, Some(true), Some(true))
            .await
            .unwrap();
        assert!(
            flagged.is_verified
                && flagged.status == PartnerStatus::Suspended
                && !flagged.is_available
        );
        let (orders, n) = s
            .admin_orders(&AdminOrderFilter {
                search: Some("c@x.io".into()),
                limit: 10,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!((orders.len(), n), (1, 1), "{}", b.name);
    }
}

#[allow(dead_code)]
/// SQLite places orders that queue behind a running write in one shared transaction.
/// Here the database file is held by another connection while 40 orders arrive, so they
/// are certain to queue and be placed together; each must still get its own outcome.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_places_queued_orders_in_one_transaction_with_their_own_outcomes() {
    let (b, url) = sqlite().await;
    let s = &b.store;
    let customer = user(s, "c@x.io", Role::Customer).await;
    let plenty = product(s, "P", 100, 1_000).await;
    let few = product(s, "F", 100, 5).await;

    // Another connection holds the write lock: every order below has to wait.
    let mut blocker = sqlite_write_lock(&url).await;
    let placing = tokio::spawn({
        let store = s.clone();
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
                let order = order_of(&b.shop, &customer, &lines);
                async move { store.place_order(&order, None, 0).await }
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
        .filter(|change| {
            change.stock.iter().any(|l| {
                (l.product_id == plenty.id && l.stock != 1_000 - 10 - 5 * 3)
                    || (l.product_id == few.id && l.stock != 0)
            })
        })
        .count();
    assert!(not_final <= 1, "{results:?}");
    assert_eq!(stock(s, &few.id).await, 0);
    assert_eq!(stock(s, &plenty.id).await, 1_000 - 10 - 5 * 3);
    let (orders, total) = s
        .list_customer_orders(&customer.id, None, 0, 100)
        .await
        .unwrap();
    assert_eq!((orders.len(), total), (15, 15));
    for o in &orders {
        let events = s.order_events(&o.id, 0, 10).await.unwrap();
        assert_eq!(events.len(), 1, "one first event per order");
        assert_eq!(events[0].seq, 1);
        assert_eq!(events[0].kind, qc_domain::OrderEventKind::Created);
        assert_eq!(o.last_seq, 1);
        assert!(!o.items.is_empty());
    }
}

/// Reads of products by id that arrive together share statements; each still gets
/// exactly its own products with its own store's stock, in id order.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_product_reads_each_get_their_own_rows() {
    for b in backends().await {
        let s = &b.store;
        let mut products = Vec::new();
        for n in 0..6 {
            products.push(product(s, &format!("R{n}"), 100 + n, 10 * (n + 1)).await);
        }
        let other_shop = shop(s, "S2").await;
        let reads = join_all((0..60_usize).map(|i| {
            let s = s.clone();
            let shop = if i % 3 == 0 {
                other_shop.clone()
            } else {
                b.shop.clone()
            };
            // A different subset each time (some with an id that does not exist).
            let mut ids: Vec<String> = products
                .iter()
                .enumerate()
                .filter(|(n, _)| (i >> n) & 1 == 1)
                .map(|(_, p)| p.id.clone())
                .collect();
            if i % 5 == 0 {
                ids.push("no-such-product".into());
            }
            async move {
                let got = s.products_by_ids(&ids, &shop).await.unwrap();
                (i, ids, shop, got)
            }
        }))
        .await;
        for (i, ids, shop, got) in reads {
            let mut want: Vec<&Product> = products.iter().filter(|p| ids.contains(&p.id)).collect();
            want.sort_by(|a, b| a.id.cmp(&b.id));
            let got_ids: Vec<&str> = got.iter().map(|p| p.id.as_str()).collect();
            let want_ids: Vec<&str> = want.iter().map(|p| p.id.as_str()).collect();
            assert_eq!(got_ids, want_ids, "{}: read {i}", b.name);
            for (g, w) in got.iter().zip(&want) {
                assert_eq!((g.price, &g.name), (w.price, &w.name), "{}", b.name);
                let stock = if shop == b.shop { w.stock } else { 0 };
                assert_eq!(g.stock, stock, "{}: read {i}", b.name);
            }
        }
    }
}

/// Orders queued behind a held lock are placed as one batch on both backends; each is
/// answered as if it had been placed alone: placed, short (naming what is left, 0 where
/// the store has no stock row), or stale (a price quoted before a change, an inactive
/// product), and nothing of a refused order is taken.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_batch_answers_each_order_as_if_placed_alone() {
    for b in backends().await {
        let s = &b.store;
        let c = user(s, "c@x.io", Role::Customer).await;
        let plenty = product(s, "P", 100, 100).await;
        let few = product(s, "F", 100, 2).await;
        let off = product(s, "O", 100, 100).await;
        s.set_product_active(&off.id, false).await.unwrap();
        let mut repriced = plenty.clone();
        repriced.price = Money(101);
        let other_shop = shop(s, "S2").await;

        // Hold plenty's stock row (SQLite: the write lock) so the orders queue up.
        let release: Box<dyn FnOnce() -> futures::future::BoxFuture<'static, ()> + Send> =
            match &b._pg {
                Some(db) => {
                    let mut conn = sqlx::PgConnection::connect(&db.url).await.unwrap();
                    sqlx::raw_sql("BEGIN").execute(&mut conn).await.unwrap();
                    sqlx::query("SELECT stock FROM store_stock WHERE product_id = $1 FOR UPDATE")
                        .bind(&plenty.id)
                        .execute(&mut conn)
                        .await
                        .unwrap();
                    Box::new(move || {
                        Box::pin(async move {
                            sqlx::raw_sql("ROLLBACK").execute(&mut conn).await.unwrap();
                        })
                    })
                }
                None => {
                    let dir = b._dir.as_ref().unwrap();
                    let url = format!("sqlite://{}/qc.db", dir.display());
                    let mut conn = sqlite_write_lock(&url).await;
                    Box::new(move || {
                        Box::pin(async move {
                            sqlx::raw_sql("ROLLBACK").execute(&mut conn).await.unwrap();
                        })
                    })
                }
            };
        let mut orders = Vec::new();
        for _ in 0..10 {
            orders.push(("placed", order_of(&b.shop, &c.id, &[(&plenty, 1)])));
        }
        for _ in 0..3 {
            orders.push((
                "short",
                order_of(&b.shop, &c.id, &[(&few, 1), (&plenty, 2)]),
            ));
        }
        for _ in 0..2 {
            orders.push(("stale", order_of(&b.shop, &c.id, &[(&repriced, 1)])));
            orders.push((
                "stale",
                order_of(&b.shop, &c.id, &[(&plenty, 1), (&off, 1)]),
            ));
            orders.push(("unstocked", order_of(&other_shop, &c.id, &[(&plenty, 1)])));
        }
        let placing = {
            let orders = orders.clone();
            let s = s.clone();
            tokio::spawn(async move {
                join_all(
                    orders
                        .iter()
                        .map(|(_, o)| s.place_order(o, None, 0))
                        .collect::<Vec<_>>(),
                )
                .await
            })
        };
        tokio::time::sleep(Duration::from_millis(300)).await;
        release().await;
        let results = placing.await.unwrap();

        let mut shorts_of_few = 0;
        for ((want, order), got) in orders.iter().zip(&results) {
            match (*want, got) {
                ("placed", Ok(change)) => {
                    assert_eq!(change.order.id, order.id);
                    assert_eq!(change.stock.len(), 1);
                }
                ("short", Ok(_)) => {}
                ("short", Err(StoreError::OutOfStock(short))) => {
                    shorts_of_few += 1;
                    assert_eq!(short.len(), 1, "{}", b.name);
                    assert_eq!((&short[0].product_id, short[0].available), (&few.id, 0));
                }
                ("stale", Err(StoreError::StaleProducts(ids))) => {
                    assert!(ids == &vec![repriced.id.clone()] || ids == &vec![off.id.clone()]);
                }
                ("unstocked", Err(StoreError::OutOfStock(short))) => {
                    assert_eq!((&short[0].product_id, short[0].available), (&plenty.id, 0));
                }
                other => panic!("{}: {other:?}", b.name),
            }
        }
        // Two of the three orders of `few` had it; the third took nothing of `plenty`.
        assert_eq!(shorts_of_few, 1, "{}", b.name);
        assert_eq!(stock(s, &few.id).await, 0, "{}", b.name);
        assert_eq!(stock(s, &plenty.id).await, 100 - 10 - 2 * 2, "{}", b.name);
        assert_eq!(stock(s, &off.id).await, 100, "{}", b.name);
        let (placed, total) = s.list_customer_orders(&c.id, None, 0, 100).await.unwrap();
        assert_eq!((placed.len(), total), (12, 12), "{}", b.name);
        // The orders of the batch each report what its transaction left.
        let lefts: Vec<i64> = results
            .iter()
            .flatten()
            .flat_map(|ch| ch.stock.iter().filter(|l| l.product_id == plenty.id))
            .map(|l| l.stock)
            .collect();
        assert!(lefts.contains(&86), "{}: {lefts:?}", b.name);
    }
}

/// Many stores: stock is per store (also under concurrent orders at both), partners are
/// offered and may accept only their home store's orders, loads, on-time figures and
/// stats are per store.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn stores_keep_their_own_stock_orders_and_riders() {
    for b in backends().await {
        let s = &b.store;
        let (one, two) = (b.shop.clone(), shop(s, "S2").await);
        let c = user(s, "c@x.io", Role::Customer).await;
        let scarce = product(s, "S", 1_000, 3).await;
        s.set_store_stock(&two, &scarce.id, 4, None).await.unwrap();
        let results = join_all((0..20).map(|i| {
            let s = s.clone();
            let at = if i % 2 == 0 { &one } else { &two };
            let order = order_of(at, &c.id, &[(&scarce, 1)]);
            tokio::spawn(async move { s.place_order(&order, None, 0).await })
        }))
        .await;
        let placed: Vec<&OrderChange> = results
            .iter()
            .filter_map(|r| r.as_ref().ok().and_then(|r| r.as_ref().ok()))
            .collect();
        let at = |store: &str| placed.iter().filter(|c| c.order.store_id == store).count();
        assert_eq!((at(&one), at(&two)), (3, 4), "{}", b.name);
        for c in &placed {
            assert!(
                c.stock.iter().all(|l| l.store_id == c.order.store_id),
                "{}: stock reported for another store",
                b.name
            );
        }
        for store in [&one, &two] {
            let p = s
                .product_by_id(&scarce.id, Some(store))
                .await
                .unwrap()
                .unwrap();
            assert_eq!(p.stock, 0, "{}", b.name);
        }

        // Riders: one per store; each is offered only their store's orders.
        let r1 = user(s, "r1@x.io", Role::Delivery).await;
        let r2 = user(s, "r2@x.io", Role::Delivery).await;
        s.set_partner_store(&r2.id, &two).await.unwrap();
        assert!(matches!(
            s.set_partner_store(&r2.id, "nope").await,
            Err(StoreError::Conflict(_))
        ));
        let offered = s.available_orders(&one, 50).await.unwrap();
        assert_eq!(offered.len(), 3, "{}", b.name);
        assert!(offered.iter().all(|o| o.store_id == one));
        assert_eq!(s.available_orders(&two, 50).await.unwrap().len(), 4);
        let theirs = offered[0].id.clone();
        assert!(
            matches!(
                s.accept_order(&theirs, &r2.id, 5, None, Utc::now()).await,
                Err(StoreError::NotFound)
            ),
            "{}: a rider of another store accepted",
            b.name
        );
        s.accept_order(&theirs, &r1.id, 5, None, Utc::now())
            .await
            .unwrap();

        let loads = s.store_loads().await.unwrap();
        let load = |id: &str| loads.iter().find(|l| l.store_id == id).cloned().unwrap();
        assert_eq!(
            load(&one),
            StoreLoadRow {
                store_id: one.clone(),
                unpicked: 3,
                waiting_for_rider: 2,
                riders_available: 0,
                riders_busy: 1,
            },
            "{}",
            b.name
        );
        assert_eq!(
            (
                load(&two).unpicked,
                load(&two).waiting_for_rider,
                load(&two).riders_available
            ),
            (4, 4, 1)
        );

        // Deliver it after its promise: late, in that store's figures only.
        let at = Utc::now();
        for (from, to) in [
            (OrderStatus::Accepted, OrderStatus::PickedUp),
            (OrderStatus::PickedUp, OrderStatus::OnTheWay),
        ] {
            s.advance_order(&theirs, &r1.id, from, to, at)
                .await
                .unwrap();
        }
        let late_at = at + chrono::Duration::minutes(45);
        s.confirm_delivery(&theirs, &r1.id, "4321", 5, Money(100), late_at)
            .await
            .unwrap();
        let day = at - chrono::Duration::hours(1);
        assert_eq!(
            s.on_time(&one, day).await.unwrap(),
            OnTime {
                delivered: 1,
                on_time: 0
            },
            "{}",
            b.name
        );
        assert_eq!(s.on_time(&two, day).await.unwrap().delivered, 0);
        let total =
            |snap: &StatsSnapshot| snap.orders_by_status.iter().map(|(_, n)| n).sum::<i64>();
        let all = s.stats_snapshot(day, 5, None).await.unwrap();
        let only_two = s.stats_snapshot(day, 5, Some(&two)).await.unwrap();
        assert_eq!((total(&all), total(&only_two)), (7, 4), "{}", b.name);
        assert_eq!((only_two.delivered_today, only_two.partners_total), (0, 1));
        assert!(
            only_two.low_stock.iter().all(|l| l.store_id == two),
            "{}",
            b.name
        );
        let (orders, n) = s
            .admin_orders(&AdminOrderFilter {
                store_id: Some(two.clone()),
                limit: 50,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!((orders.len(), n), (4, 4));
        let (partners, n) = s.list_partners(None, Some(&two), 0, 10).await.unwrap();
        assert_eq!((partners.len(), n), (1, 1), "{}", b.name);

        // Open orders past their promise are late; within 5 minutes of it, at risk.
        let more = product(s, "M", 100, 10).await;
        let mut late = order_of(&one, &c.id, &[(&more, 1)]);
        late.promised_at = Some(Utc::now() - chrono::Duration::minutes(1));
        s.place_order(&late, None, 0).await.unwrap();
        let mut close = order_of(&one, &c.id, &[(&more, 1)]);
        close.promised_at = Some(Utc::now() + chrono::Duration::minutes(3));
        s.place_order(&close, None, 0).await.unwrap();
        let snap = s.stats_snapshot(day, 5, Some(&one)).await.unwrap();
        assert_eq!((snap.late, snap.at_risk), (1, 1), "{}", b.name);
        let snap = s.stats_snapshot(day, 5, Some(&two)).await.unwrap();
        assert_eq!((snap.late, snap.at_risk), (0, 0), "{}", b.name);
    }
}

/// Dispatch: offers go one at a time to the first ranked partner who may take one; a
/// decline or an expiry moves on exactly once; a partner never gets an order twice;
/// only the offer's holder may accept while offering; rounds run out into broadcast;
/// three ignored offers pause a partner; one live offer per order under concurrency.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn dispatch_offers_one_partner_at_a_time() {
    for b in backends().await {
        let s = &b.store;
        let n = b.name;
        let c = user(s, "c@x.io", Role::Customer).await;
        let p = product(s, "A", 1_000, 100).await;
        let mut riders: Vec<User> = Vec::new();
        for i in 0..4 {
            riders.push(user(s, &format!("r{i}@x.io"), Role::Delivery).await);
        }
        let ids: Vec<String> = riders.iter().map(|r| r.id.clone()).collect();
        let offering = |s: &SharedStore| {
            let mut o = order_of(&b.shop, &c.id, &[(&p, 1)]);
            o.dispatch = DispatchState::Offering;
            let s = s.clone();
            async move {
                s.place_order(&o, None, 0).await.unwrap();
                o.id
            }
        };
        let secs = chrono::Duration::seconds;
        let t0 = Utc::now();
        let order = offering(s).await;
        // Nothing offered yet: nobody may accept, and the list does not show it.
        assert!(
            matches!(
                s.accept_order(&order, &ids[0], 5, None, t0).await,
                Err(StoreError::Ineligible("not_offered"))
            ),
            "{n}"
        );
        assert!(
            s.available_orders(&b.shop, 10).await.unwrap().is_empty(),
            "{n}"
        );
        let step = s
            .advance_dispatch(&order, OfferClose::Start, &ids, 3, secs(20), 5, t0)
            .await
            .unwrap();
        let DispatchStep::Offered(first) = &step.step else {
            panic!("{n}: {step:?}")
        };
        assert_eq!(
            (first.partner_id.as_str(), first.round),
            (ids[0].as_str(), 1)
        );
        // A second start finds the live offer: nothing more.
        let again = s
            .advance_dispatch(&order, OfferClose::Start, &ids, 3, secs(20), 5, t0)
            .await
            .unwrap();
        assert_eq!(again.step, DispatchStep::Stale, "{n}");
        // Another partner may not take it while it is offered to the first.
        assert!(matches!(
            s.accept_order(&order, &ids[1], 5, None, t0).await,
            Err(StoreError::Ineligible("not_offered"))
        ));
        // A decline by someone who does not hold it is refused; by the holder, moves on.
        assert!(matches!(
            s.advance_dispatch(
                &order,
                OfferClose::Decline {
                    partner_id: &ids[2],
                    reason: None
                },
                &ids,
                3,
                secs(20),
                5,
                t0
            )
            .await,
            Err(StoreError::NotFound)
        ));
        let step = s
            .advance_dispatch(
                &order,
                OfferClose::Decline {
                    partner_id: &ids[0],
                    reason: Some("too far"),
                },
                &ids,
                3,
                secs(20),
                5,
                t0,
            )
            .await
            .unwrap();
        assert_eq!(
            step.closed.as_ref().map(|o| o.state),
            Some(OfferState::Declined)
        );
        let DispatchStep::Offered(second) = &step.step else {
            panic!("{n}: {step:?}")
        };
        assert_eq!(
            second.partner_id, ids[1],
            "{n}: never the same partner twice"
        );
        // Expiry: not before its time; then exactly once, whoever tries.
        let early = s
            .advance_dispatch(
                &order,
                OfferClose::Expire {
                    offer_id: &second.id,
                },
                &ids,
                3,
                secs(20),
                5,
                t0,
            )
            .await
            .unwrap();
        assert_eq!(early.step, DispatchStep::Stale, "{n}");
        let later = t0 + secs(21);
        assert_eq!(s.due_offers(later, 10).await.unwrap().len(), 1);
        let expiries = join_all((0..4).map(|_| {
            let s = s.clone();
            let (order, id, ids) = (order.clone(), second.id.clone(), ids.clone());
            async move {
                s.advance_dispatch(
                    &order,
                    OfferClose::Expire { offer_id: &id },
                    &ids,
                    3,
                    secs(20),
                    5,
                    later,
                )
                .await
                .unwrap()
            }
        }))
        .await;
        let moved: Vec<&DispatchOutcome> = expiries
            .iter()
            .filter(|o| o.step != DispatchStep::Stale)
            .collect();
        assert_eq!(moved.len(), 1, "{n}: {expiries:?}");
        let DispatchStep::Offered(third) = &moved[0].step else {
            panic!("{n}: {moved:?}")
        };
        assert_eq!(
            (third.partner_id.as_str(), third.round),
            (ids[2].as_str(), 3)
        );
        // The holder accepts: the offer is accepted with the order.
        let won = s
            .accept_order(&order, &ids[2], 5, None, later)
            .await
            .unwrap();
        assert_eq!(
            won.ended_offer.map(|o| (o.id, o.state)),
            Some((third.id.clone(), OfferState::Accepted))
        );
        let history = s.order_offers(&order).await.unwrap();
        assert_eq!(
            history.iter().map(|o| o.state).collect::<Vec<_>>(),
            [
                OfferState::Declined,
                OfferState::Expired,
                OfferState::Accepted
            ],
            "{n}"
        );
        assert_eq!(history[0].reason.as_deref(), Some("too far"));

        // Rounds run out: escalated to broadcast, and then anyone of the store may take it.
        let order = offering(s).await;
        let two = &ids[..2];
        let mut now = t0;
        let mut offer = match s
            .advance_dispatch(&order, OfferClose::Start, two, 2, secs(5), 5, now)
            .await
            .unwrap()
            .step
        {
            DispatchStep::Offered(o) => o,
            other => panic!("{n}: {other:?}"),
        };
        now += secs(6);
        let step = s
            .advance_dispatch(
                &order,
                OfferClose::Expire {
                    offer_id: &offer.id,
                },
                two,
                2,
                secs(5),
                5,
                now,
            )
            .await
            .unwrap();
        offer = match step.step {
            DispatchStep::Offered(o) => o,
            other => panic!("{n}: {other:?}"),
        };
        now += secs(6);
        let step = s
            .advance_dispatch(
                &order,
                OfferClose::Expire {
                    offer_id: &offer.id,
                },
                two,
                2,
                secs(5),
                5,
                now,
            )
            .await
            .unwrap();
        assert_eq!(
            step.step,
            DispatchStep::Escalated("rounds_exhausted"),
            "{n}"
        );
        assert_eq!(
            s.available_orders(&b.shop, 10).await.unwrap().len(),
            1,
            "{n}: broadcast now"
        );
        s.accept_order(&order, &ids[3], 5, None, now).await.unwrap();

        // Nobody eligible: escalated at once.
        let order = offering(s).await;
        let step = s
            .advance_dispatch(&order, OfferClose::Start, &[], 5, secs(5), 5, now)
            .await
            .unwrap();
        assert_eq!(
            step.step,
            DispatchStep::Escalated("no_eligible_partner"),
            "{n}"
        );

        // Three offers ignored in a row pause the partner.
        let lazy = user(s, "lazy@x.io", Role::Delivery).await;
        let just_lazy = vec![lazy.id.clone()];
        let mut paused = None;
        for round in 0..3 {
            let order = offering(s).await;
            let o = match s
                .advance_dispatch(&order, OfferClose::Start, &just_lazy, 5, secs(5), 5, now)
                .await
                .unwrap()
                .step
            {
                DispatchStep::Offered(o) => o,
                other => panic!("{n} round {round}: {other:?}"),
            };
            now += secs(6);
            let step = s
                .advance_dispatch(
                    &order,
                    OfferClose::Expire { offer_id: &o.id },
                    &just_lazy,
                    5,
                    secs(5),
                    5,
                    now,
                )
                .await
                .unwrap();
            paused = step.paused.clone();
            if round < 2 {
                assert!(paused.is_none(), "{n}");
            }
        }
        assert_eq!(paused.as_deref(), Some(lazy.id.as_str()), "{n}");
        assert!(
            !s.partner_profile(&lazy.id)
                .await
                .unwrap()
                .unwrap()
                .is_available
        );

        // Concurrent accept, decline and expiry of one live offer: one outcome, never two
        // live offers.
        for _ in 0..5 {
            let order = offering(s).await;
            let holder = ids[0].clone();
            // An expiry counts as an ignored offer: three would pause the holder.
            s.set_availability(&holder, true).await.unwrap();
            let o = match s
                .advance_dispatch(&order, OfferClose::Start, &ids[..1], 5, secs(1), 50, now)
                .await
                .unwrap()
                .step
            {
                DispatchStep::Offered(o) => o,
                other => panic!("{n}: {other:?}"),
            };
            let (s1, s2, s3) = (s.clone(), s.clone(), s.clone());
            let (o1, o2, o3) = (order.clone(), order.clone(), order.clone());
            let (h1, h2) = (holder.clone(), holder.clone());
            let (ids2, ids3) = (ids.clone(), ids.clone());
            let id3 = o.id.clone();
            let at = now + chrono::Duration::milliseconds(999);
            let (accept, decline, expire) = tokio::join!(
                tokio::spawn(async move { s1.accept_order(&o1, &h1, 50, None, at).await }),
                tokio::spawn(async move {
                    s2.advance_dispatch(
                        &o2,
                        OfferClose::Decline {
                            partner_id: &h2,
                            reason: None,
                        },
                        &ids2,
                        5,
                        secs(1),
                        50,
                        at,
                    )
                    .await
                }),
                tokio::spawn(async move {
                    s3.advance_dispatch(
                        &o3,
                        OfferClose::Expire { offer_id: &id3 },
                        &ids3,
                        5,
                        secs(1),
                        50,
                        at + secs(1),
                    )
                    .await
                }),
            );
            let (accept, decline, expire) = (accept.unwrap(), decline.unwrap(), expire.unwrap());
            let closed = [
                accept.is_ok(),
                decline.is_ok(),
                expire.as_ref().is_ok_and(|o| o.step != DispatchStep::Stale),
            ];
            assert_eq!(
                closed.iter().filter(|x| **x).count(),
                1,
                "{n}: {accept:?} {decline:?} {expire:?}"
            );
            let live = s.live_offers(None).await.unwrap();
            assert!(
                live.iter().filter(|l| l.order_id == order).count() <= 1,
                "{n}"
            );
            if accept.is_ok() {
                let o = s.order_by_id(&order).await.unwrap().unwrap();
                assert_eq!(o.partner_id.as_deref(), Some(holder.as_str()));
            }
            now += secs(3);
        }

        // Cancelling withdraws the live offer.
        let order = offering(s).await;
        s.advance_dispatch(&order, OfferClose::Start, &ids[1..], 5, secs(30), 50, now)
            .await
            .unwrap();
        let cancelled = s
            .cancel_order(&order, &Canceller::System, Some("x"), now)
            .await
            .unwrap();
        assert_eq!(
            cancelled.ended_offer.map(|o| o.state),
            Some(OfferState::Withdrawn),
            "{n}"
        );
        assert!(
            s.live_offers(Some(&b.shop))
                .await
                .unwrap()
                .iter()
                .all(|o| o.order_id != order)
        );
    }
}

/// While another connection holds SQLite's write lock, a write transaction waits for it,
/// and the store says so: the least wait in front of the writer is the time it was held.
/// Once taken, the figure starts again from nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_store_reports_a_queue_in_front_of_the_writer() {
    let (b, url) = sqlite().await;
    let s = &b.store;
    product(s, "W1", 100, 5).await;
    let _ = s.least_wait();
    let mut blocker = sqlite_write_lock(&url).await;
    // One write transaction (a second one, after the lock goes, would not wait).
    let writing = tokio::spawn({
        let store = s.clone();
        async move {
            store
                .upsert_category(NewCategory {
                    slug: "w".into(),
                    name: "W".into(),
                    description: String::new(),
                    color: "#000000".into(),
                    icon: String::new(),
                    sort_order: 1,
                })
                .await
                .unwrap()
        }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    sqlx::raw_sql("ROLLBACK")
        .execute(&mut blocker)
        .await
        .unwrap();
    writing.await.unwrap();
    let waited = s.least_wait();
    assert!(waited >= Duration::from_millis(250), "{waited:?}");
    assert_eq!(s.least_wait(), Duration::ZERO);
}
