#!/usr/bin/env python3
"""Regenerate src/postgres/{users,catalog,addresses,orders,delivery,operations}.rs from the
SQLite implementation: same SQL shapes (placeholders converted at run time by q()/qs()),
PostgreSQL types, `= ANY($1)` for id lists, row locks where SQLite relies on its single
writer, and every write transaction wrapped in a bounded retry. Run after changing a
SQLite file, then `cargo fmt`:  python3 crates/store/scripts/gen_postgres.py
"""
import re,os
os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'src'))
files=['users.rs','catalog.rs','addresses.rs','orders.rs','delivery.rs','operations.rs']
owned={'create_user':['u'],'update_profile':['patch'],'upsert_category':['c'],'create_product':['p'],
 'create_address':['a'],'update_address':['a'],'place_now':['idempotency'],'update_product':['p'],'update_category':['c']}
locks={'accept_order':'q("SELECT user_id FROM delivery_partners WHERE user_id = ? FOR UPDATE").bind(partner_id).execute(&mut *tx).await?;',
 'confirm_delivery':'q("SELECT id FROM orders WHERE id = ? FOR UPDATE").bind(order_id).execute(&mut *tx).await?;',
 'create_address':'q("SELECT id FROM users WHERE id = ? FOR UPDATE").bind(user_id).execute(&mut *tx).await?;',
 'change_stock':'q("SELECT id FROM products WHERE id = ? FOR UPDATE").bind(id).execute(&mut *tx).await?;'}
total=0
for f in files:
    s=open('sqlite/'+f).read()
    s=s.replace('//! Accounts on SQLite.','//! Accounts on PostgreSQL.')
    s=re.sub(r'on SQLite', 'on PostgreSQL', s)
    s=s.replace('sqlx::sqlite::SqliteRow','sqlx::postgres::PgRow').replace('SqliteRow','PgRow')
    s=s.replace('sqlx::SqliteConnection','sqlx::PgConnection').replace('SqliteConnection','PgConnection')
    s=s.replace('SqliteStore','PgStore')
    s=re.sub(r'\bSqlite\b','Postgres',s)
    s=s.replace('sqlx::query_scalar(','qs(').replace('sqlx::query(','q(').replace('sqlx::AssertSqlSafe(','&(')
    s=s.replace('self.write_tx()','self.tx()')
    # PostgreSQL has real concurrent writers: no group-commit queue.
    s=s.replace('self.place_batched(','self.place_now(')
    s=s.replace('&self.reader','&self.pool').replace('&self.writer','&self.pool').replace('self.reader.acquire()','self.pool.acquire()')
    s=s.replace('MAX(sold_count - ?, 0)','GREATEST(sold_count - ?, 0)')
    s=s.replace('use super::{','use super::{q, qs, retry, ')
    if f=='catalog.rs':
        s=s.replace('''        let json = serde_json::to_string(ids).map_err(|e| StoreError::Other(e.into()))?;\n''','')
        s=s.replace('"{PRODUCT_SELECT} WHERE p.id IN (SELECT value FROM json_each(?)) ORDER BY p.id"','"{PRODUCT_SELECT} WHERE p.id = ANY(?) ORDER BY p.id"')
        s=s.replace('''        .bind(json)\n        .fetch_all(&self.pool)''','''        .bind(ids)\n        .fetch_all(&self.pool)''')
        s=s.replace("let rows = q(&(page_sql))","let rows = super::q(&(page_sql))")
    if f=='orders.rs':
        s=s.replace('''    let json = serde_json::to_string(&ids).map_err(json_err)?;\n''','')
        s=s.replace('"SELECT * FROM order_items WHERE order_id IN (SELECT value FROM json_each(?)) ORDER BY order_id, line"','"SELECT * FROM order_items WHERE order_id = ANY(?) ORDER BY order_id, line"')
        s=s.replace('''    .bind(json)\n    .fetch_all(&mut *conn)''','''    .bind(&ids)\n    .fetch_all(&mut *conn)''')
    assert 'json_each' not in s, f
    out=[]; i=0
    pat=re.compile(r'    (?:pub\(crate\) )?async fn (\w+)\(([^{]*?)\) -> StoreResult<([^{]*?)> \{\n(\s*)let mut tx = self\.tx\(\)\.await\?;\n')
    while True:
        m=pat.search(s,i)
        if not m: out.append(s[i:]); break
        name=m.group(1)
        end=s.index('\n    }\n', m.end())
        body=s[m.end():end]
        sig=m.group(0)[:m.group(0).index('{\n')+2]
        rebinds=''.join(f'        let {v} = &{v};\n' for v in owned.get(name,[]))
        lock=('        '+locks[name]+'\n') if name in locks else ''
        out.append(s[i:m.start()]+sig+rebinds+'        retry(|| async move {\n        let mut tx = self.tx().await?;\n'+lock+body+'\n        })\n        .await')
        i=end; total+=1
    open('postgres/'+f,'w').write(''.join(out))
print("wrapped",total)

fixes={'operations.rs':[('match p.brand {','match p.brand.clone() {'),('.bind(p.name)','.bind(&p.name)'),('.bind(p.description)','.bind(&p.description)'),('.bind(p.unit)','.bind(&p.unit)'),
        ('.bind(c.name)','.bind(&c.name)'),('.bind(c.description)','.bind(&c.description)'),('.bind(c.color)','.bind(&c.color)'),('.bind(c.icon)','.bind(&c.icon)')],
 'users.rs':[('match patch.phone {','match patch.phone.clone() {'),('.bind(patch.name)','.bind(&patch.name)')]}
for f,pairs in fixes.items():
    s=open('postgres/'+f).read()
    for a,b in pairs:
        assert a in s,(f,a)
        s=s.replace(a,b)
    open('postgres/'+f,'w').write(s)
print("fixed")
