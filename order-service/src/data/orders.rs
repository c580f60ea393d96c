//! Orders, their items, standing allocations and discount redemptions in PostgreSQL.
//!
//! The partial unique index `order_item_session_seat_key` (live items) and
//! `ticket_session_seat_key` (valid tickets) are the last word against selling a seat twice,
//! whatever Redis says; `standing_allocation_within_capacity` is the same for standing areas.
//! A pending order past its expiry no longer blocks its places: whoever needs them expires it
//! first (and the sweeper does so in the background).
//!
//! Standing places are counted twice on purpose: by their hold in Redis (what new holds are
//! checked against, together with the places already ticketed) and by
//! `standing_allocation` here (places of live orders, checked when an order is placed).
//!
//! A status the code sets or asks for is bound as an [`OrderStatus`]; the states a query
//! filters on stay literals in its SQL, where the planner matches them against the partial
//! indexes (`purchase_order_due_idx`, `purchase_order_live_hold_key`, ...).

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use shared_dto::status::{OrderStatus, PaymentStatus};
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

use crate::pricing::PricedOrder;

#[derive(Debug, Clone)]
pub struct OrderRow {
    pub order_id: Uuid,
    pub event_id: Uuid,
    pub session_id: Uuid,
    pub hold_token: String,
    pub hold_buyer: String,
    pub customer_subject: Option<String>,
    pub customer_key: String,
    pub buyer_name: String,
    pub buyer_email: String,
    pub status: OrderStatus,
    pub currency: String,
    pub subtotal_minor: i64,
    pub discount_minor: i64,
    pub total_minor: i64,
    pub discount_id: Option<Uuid>,
    pub discount_code: Option<String>,
    pub expires_at: DateTime<Utc>,
    pub paid_at: Option<DateTime<Utc>>,
    pub ticketed_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

impl OrderRow {
    /// Pending, but its hold has run out: its places are up for grabs.
    pub fn is_overdue(&self, now: DateTime<Utc>) -> bool {
        self.status == OrderStatus::Pending && self.expires_at <= now
    }
}

/// `query_as!` for an [`OrderRow`]: `$head`, every column of `purchase_order`, then `$tail`
/// and the query's arguments.
macro_rules! order_query {
    ($head:tt, $tail:tt $(, $arg:expr)* $(,)?) => {
        sqlx::query_as!(
            OrderRow,
            $head
                + r#" order_id, event_id, session_id, hold_token, hold_buyer, customer_subject,
                      customer_key, buyer_name, buyer_email, status as "status: OrderStatus",
                      currency, subtotal_minor, discount_minor, total_minor, discount_id,
                      discount_code, expires_at, paid_at, ticketed_at, closed_at, created_at,
                      updated_at, version "#
                + $tail
            $(, $arg)*
        )
    };
}

#[derive(Debug, Clone)]
pub struct ItemRow {
    pub order_item_id: Uuid,
    pub session_id: Uuid,
    pub seat_id: Option<String>,
    pub block_id: String,
    pub tier_id: Uuid,
    pub unit_price_minor: i64,
    pub discount_minor: i64,
    pub live: bool,
}

/// A new order, priced.
pub struct NewOrder<'a> {
    pub order_id: Uuid,
    pub event_id: Uuid,
    pub session_id: Uuid,
    pub hold_token: &'a str,
    pub hold_buyer: &'a str,
    pub customer_subject: Option<&'a str>,
    pub customer_key: &'a str,
    pub buyer_name: &'a str,
    pub buyer_email: &'a str,
    pub priced: &'a PricedOrder,
    pub discount: Option<(Uuid, &'a str)>,
    pub expires_at: DateTime<Utc>,
}

pub async fn find(
    executor: impl PgExecutor<'_>,
    order_id: Uuid,
) -> Result<Option<OrderRow>, sqlx::Error> {
    order_query!(
        "select",
        "from purchase_order where order_id = $1",
        order_id
    )
    .fetch_optional(executor)
    .await
}

/// A payment's status with the order it is for, read together.
#[derive(Debug, Clone)]
pub struct PaidFor {
    pub payment_status: PaymentStatus,
    pub order: OrderRow,
}

pub async fn paid_for(
    executor: impl PgExecutor<'_>,
    payment_id: Uuid,
) -> Result<Option<PaidFor>, sqlx::Error> {
    let row = sqlx::query!(
        r#"select p.status as "payment_status: PaymentStatus", o.order_id, o.event_id,
                  o.session_id, o.hold_token, o.hold_buyer, o.customer_subject, o.customer_key,
                  o.buyer_name, o.buyer_email, o.status as "status: OrderStatus", o.currency,
                  o.subtotal_minor, o.discount_minor, o.total_minor, o.discount_id,
                  o.discount_code, o.expires_at, o.paid_at, o.ticketed_at, o.closed_at,
                  o.created_at, o.updated_at, o.version
           from payment p join purchase_order o using (order_id) where p.payment_id = $1"#,
        payment_id,
    )
    .fetch_optional(executor)
    .await?;
    Ok(row.map(|row| PaidFor {
        payment_status: row.payment_status,
        order: OrderRow {
            order_id: row.order_id,
            event_id: row.event_id,
            session_id: row.session_id,
            hold_token: row.hold_token,
            hold_buyer: row.hold_buyer,
            customer_subject: row.customer_subject,
            customer_key: row.customer_key,
            buyer_name: row.buyer_name,
            buyer_email: row.buyer_email,
            status: row.status,
            currency: row.currency,
            subtotal_minor: row.subtotal_minor,
            discount_minor: row.discount_minor,
            total_minor: row.total_minor,
            discount_id: row.discount_id,
            discount_code: row.discount_code,
            expires_at: row.expires_at,
            paid_at: row.paid_at,
            ticketed_at: row.ticketed_at,
            closed_at: row.closed_at,
            created_at: row.created_at,
            updated_at: row.updated_at,
            version: row.version,
        },
    }))
}

/// Paid orders of a session with ids after `after`, in id order (a keyset page).
pub async fn paid_of_session(
    executor: impl PgExecutor<'_>,
    session_id: Uuid,
    after: Uuid,
    limit: i64,
) -> Result<Vec<Uuid>, sqlx::Error> {
    sqlx::query_scalar!(
        "select order_id from purchase_order
         where session_id = $1 and status in ('paid', 'ticketed') and order_id > $2
         order by order_id limit $3",
        session_id,
        after,
        limit,
    )
    .fetch_all(executor)
    .await
}

/// The organisation whose event a session is for.
pub async fn organisation_of_session(
    executor: impl PgExecutor<'_>,
    session_id: Uuid,
) -> Result<Option<Uuid>, sqlx::Error> {
    sqlx::query_scalar!(
        "select e.organisation_id from session s join event e using (event_id)
         where s.session_id = $1",
        session_id,
    )
    .fetch_optional(executor)
    .await
}

/// The organisation whose event an order is for.
pub async fn organisation_of(
    executor: impl PgExecutor<'_>,
    order_id: Uuid,
) -> Result<Option<Uuid>, sqlx::Error> {
    sqlx::query_scalar!(
        "select e.organisation_id from purchase_order o join event e using (event_id)
         where o.order_id = $1",
        order_id,
    )
    .fetch_optional(executor)
    .await
}

pub async fn lock(conn: &mut PgConnection, order_id: Uuid) -> Result<OrderRow, sqlx::Error> {
    order_query!(
        "select",
        "from purchase_order where order_id = $1 for update",
        order_id
    )
    .fetch_one(conn)
    .await
}

/// The order placed from a hold that still keeps its places (pending, paid or ticketed).
pub async fn live_for_hold(
    executor: impl PgExecutor<'_>,
    hold_token: &str,
) -> Result<Option<OrderRow>, sqlx::Error> {
    order_query!(
        "select",
        "from purchase_order
         where hold_token = $1 and status in ('pending', 'paid', 'ticketed')",
        hold_token
    )
    .fetch_optional(executor)
    .await
}

pub async fn items(
    executor: impl PgExecutor<'_>,
    order_id: Uuid,
) -> Result<Vec<ItemRow>, sqlx::Error> {
    sqlx::query_as!(
        ItemRow,
        "select order_item_id, session_id, seat_id, block_id, tier_id, unit_price_minor,
                discount_minor, live
         from order_item where order_id = $1 order by seat_id nulls last, order_item_id",
        order_id,
    )
    .fetch_all(executor)
    .await
}

pub async fn for_customer(
    executor: impl PgExecutor<'_>,
    subject: &str,
) -> Result<Vec<OrderRow>, sqlx::Error> {
    order_query!(
        "select",
        "from purchase_order
         where customer_subject = $1 order by created_at desc limit 500",
        subject
    )
    .fetch_all(executor)
    .await
}

// `taken_seats` and `taken_among` share one predicate, "this seat is not for sale": a valid
// ticket, or a live item of an order that is paid, ticketed, or pending and not yet overdue.

/// Every seat of the session PostgreSQL counts as taken.
pub async fn taken_seats(
    executor: impl PgExecutor<'_>,
    session_id: Uuid,
) -> Result<HashSet<String>, sqlx::Error> {
    let seats = sqlx::query_scalar!(
        r#"select seat_id as "seat_id!" from ticket
           where session_id = $1 and status = 'valid' and seat_id is not null
           union
           select i.seat_id from order_item i join purchase_order o using (order_id)
           where i.session_id = $1 and i.live and i.seat_id is not null
             and (o.status <> 'pending' or o.expires_at > now())"#,
        session_id,
    )
    .fetch_all(executor)
    .await?;
    Ok(seats.into_iter().collect())
}

/// Which of `seat_ids` PostgreSQL counts as taken.
pub async fn taken_among(
    executor: impl PgExecutor<'_>,
    session_id: Uuid,
    seat_ids: &[String],
) -> Result<Vec<String>, sqlx::Error> {
    if seat_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut seats = sqlx::query_scalar!(
        r#"select seat_id as "seat_id!" from ticket
           where session_id = $1 and status = 'valid' and seat_id is not null
             and seat_id = any($2)
           union
           select i.seat_id from order_item i join purchase_order o using (order_id)
           where i.session_id = $1 and i.live and i.seat_id is not null and i.seat_id = any($2)
             and (o.status <> 'pending' or o.expires_at > now())"#,
        session_id,
        seat_ids,
    )
    .fetch_all(executor)
    .await?;
    seats.sort();
    Ok(seats)
}

/// Standing places with valid tickets, per block. Places of open orders are not counted:
/// their holds still count them in Redis until the tickets are issued.
pub async fn standing_sold(
    executor: impl PgExecutor<'_>,
    session_id: Uuid,
) -> Result<HashMap<String, i64>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"select block_id, count(*) as "sold!" from ticket
           where session_id = $1 and seat_id is null and status = 'valid' group by block_id"#,
        session_id,
    )
    .fetch_all(executor)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| (row.block_id, row.sold))
        .collect())
}

/// Overdue pending orders holding any of these seats or places in these standing blocks.
pub async fn overdue_holding(
    conn: &mut PgConnection,
    session_id: Uuid,
    seat_ids: &[String],
    standing_blocks: &[String],
) -> Result<Vec<Uuid>, sqlx::Error> {
    sqlx::query_scalar!(
        "select distinct o.order_id from purchase_order o join order_item i using (order_id)
         where o.status = 'pending' and o.expires_at <= now() and i.live and i.session_id = $1
           and (i.seat_id = any($2) or (i.seat_id is null and i.block_id = any($3)))
         order by o.order_id",
        session_id,
        seat_ids,
        standing_blocks,
    )
    .fetch_all(conn)
    .await
}

/// Overdue pending orders, oldest first.
pub async fn overdue(executor: impl PgExecutor<'_>, limit: i64) -> Result<Vec<Uuid>, sqlx::Error> {
    sqlx::query_scalar!(
        "select order_id from purchase_order
         where status = 'pending' and expires_at <= now() order by expires_at limit $1",
        limit,
    )
    .fetch_all(executor)
    .await
}

pub async fn insert_order(
    conn: &mut PgConnection,
    order: &NewOrder<'_>,
) -> Result<OrderRow, sqlx::Error> {
    let priced = order.priced;
    order_query!(
        "insert into purchase_order (order_id, event_id, session_id, hold_token, hold_buyer,
             customer_subject, customer_key, buyer_name, buyer_email, currency, subtotal_minor,
             discount_minor, total_minor, discount_id, discount_code, expires_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
         returning",
        "",
        order.order_id,
        order.event_id,
        order.session_id,
        order.hold_token,
        order.hold_buyer,
        order.customer_subject,
        order.customer_key,
        order.buyer_name,
        order.buyer_email,
        priced.currency.code(),
        priced.subtotal_minor,
        priced.discount_minor,
        priced.total_minor,
        order.discount.map(|(id, _)| id),
        order.discount.map(|(_, code)| code),
        order.expires_at,
    )
    .fetch_one(conn)
    .await
}

/// The order and its items in one statement (no discount to reserve between them); fails on
/// `order_item_session_seat_key` as [`insert_items`] does.
pub async fn insert_order_with_items(
    conn: &mut PgConnection,
    order: &NewOrder<'_>,
) -> Result<OrderRow, sqlx::Error> {
    let priced = order.priced;
    let items = ItemColumns::of(order);
    // A CTE's columns carry no table, so sqlx cannot tell they are not null: they are, as
    // `purchase_order`'s are.
    sqlx::query_as!(
        OrderRow,
        r#"with placed as (
               insert into purchase_order (order_id, event_id, session_id, hold_token,
                   hold_buyer, customer_subject, customer_key, buyer_name, buyer_email,
                   currency, subtotal_minor, discount_minor, total_minor, discount_id,
                   discount_code, expires_at)
               values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
               returning *
           ), items as (
               insert into order_item (order_item_id, order_id, session_id, seat_id, block_id,
                   tier_id, unit_price_minor, discount_minor)
               select item_id, $1, $3, seat_id, block_id, tier_id, price, discount
               from unnest($17::uuid[], $18::text[], $19::text[], $20::uuid[], $21::bigint[],
                           $22::bigint[])
                    with ordinality
                    as t(item_id, seat_id, block_id, tier_id, price, discount, position)
               order by position
           )
           select order_id as "order_id!", event_id as "event_id!",
                  session_id as "session_id!", hold_token as "hold_token!",
                  hold_buyer as "hold_buyer!", customer_subject, customer_key as "customer_key!",
                  buyer_name as "buyer_name!", buyer_email as "buyer_email!",
                  status as "status!: OrderStatus", currency as "currency!",
                  subtotal_minor as "subtotal_minor!", discount_minor as "discount_minor!",
                  total_minor as "total_minor!", discount_id, discount_code,
                  expires_at as "expires_at!", paid_at, ticketed_at, closed_at,
                  created_at as "created_at!", updated_at as "updated_at!",
                  version as "version!"
           from placed"#,
        order.order_id,
        order.event_id,
        order.session_id,
        order.hold_token,
        order.hold_buyer,
        order.customer_subject,
        order.customer_key,
        order.buyer_name,
        order.buyer_email,
        priced.currency.code(),
        priced.subtotal_minor,
        priced.discount_minor,
        priced.total_minor,
        order.discount.map(|(id, _)| id),
        order.discount.map(|(_, code)| code),
        order.expires_at,
        &items.ids,
        &items.seat_ids as _,
        &items.block_ids as _,
        &items.tier_ids,
        &items.prices,
        &items.discounts,
    )
    .fetch_one(conn)
    .await
}

/// An order's items as the columns of one multi-row insert.
struct ItemColumns<'a> {
    ids: Vec<Uuid>,
    seat_ids: Vec<Option<&'a str>>,
    block_ids: Vec<&'a str>,
    tier_ids: Vec<Uuid>,
    prices: Vec<i64>,
    discounts: Vec<i64>,
}

impl<'a> ItemColumns<'a> {
    fn of(order: &NewOrder<'a>) -> Self {
        // Seats in id order, so two orders racing for overlapping seats wait on each other in
        // the same order instead of deadlocking.
        let mut items: Vec<_> = order.priced.items.iter().collect();
        items.sort_by(|a, b| {
            (a.item.seat_id.is_none(), &a.item.item_id)
                .cmp(&(b.item.seat_id.is_none(), &b.item.item_id))
        });
        Self {
            ids: items.iter().map(|_| Uuid::new_v4()).collect(),
            seat_ids: items.iter().map(|i| i.item.seat_id.as_deref()).collect(),
            block_ids: items.iter().map(|i| i.item.block_id.as_str()).collect(),
            tier_ids: items.iter().map(|i| i.item.tier_id).collect(),
            prices: items.iter().map(|i| i.unit_price_minor).collect(),
            discounts: items.iter().map(|i| i.discount_minor).collect(),
        }
    }
}

/// The order's seats and standing places, inserted in [`ItemColumns`] order; fails on
/// `order_item_session_seat_key` when a seat is in another live order.
pub async fn insert_items(
    conn: &mut PgConnection,
    order: &NewOrder<'_>,
) -> Result<(), sqlx::Error> {
    let items = ItemColumns::of(order);
    sqlx::query!(
        "insert into order_item (order_item_id, order_id, session_id, seat_id, block_id, tier_id,
             unit_price_minor, discount_minor)
         select item_id, $1, $2, seat_id, block_id, tier_id, price, discount
         from unnest($3::uuid[], $4::text[], $5::text[], $6::uuid[], $7::bigint[],
                     $8::bigint[])
              with ordinality as t(item_id, seat_id, block_id, tier_id, price, discount, position)
         order by position",
        order.order_id,
        order.session_id,
        &items.ids,
        &items.seat_ids as _,
        &items.block_ids as _,
        &items.tier_ids,
        &items.prices,
        &items.discounts,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Today's price of each tier of an event.
pub async fn tier_prices(
    executor: impl PgExecutor<'_>,
    event_id: Uuid,
) -> Result<Vec<(Uuid, i64, String)>, sqlx::Error> {
    let rows = sqlx::query!(
        "select tier_id, price_minor, currency from tier where event_id = $1",
        event_id,
    )
    .fetch_all(executor)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| (row.tier_id, row.price_minor, row.currency))
        .collect())
}

/// Counts `quantity` more places of each block as taken; fails on
/// `standing_allocation_within_capacity` when one has no room.
pub async fn reserve_standing(
    conn: &mut PgConnection,
    session_id: Uuid,
    blocks: &[(String, u32, u32)],
) -> Result<(), sqlx::Error> {
    if blocks.is_empty() {
        return Ok(());
    }
    let mut blocks = blocks.to_vec();
    blocks.sort();
    let ids: Vec<&str> = blocks.iter().map(|(id, _, _)| id.as_str()).collect();
    let capacities: Vec<i32> = blocks
        .iter()
        .map(|(_, capacity, _)| i32::try_from(*capacity).unwrap_or(i32::MAX))
        .collect();
    let quantities: Vec<i32> = blocks
        .iter()
        .map(|(_, _, quantity)| i32::try_from(*quantity).unwrap_or(i32::MAX))
        .collect();
    sqlx::query!(
        "insert into standing_allocation (session_id, block_id, capacity, taken)
         select $1, block_id, capacity, quantity
         from unnest($2::text[], $3::int[], $4::int[]) as t(block_id, capacity, quantity)
         on conflict (session_id, block_id) do update
            set capacity = excluded.capacity, taken = standing_allocation.taken + excluded.taken",
        session_id,
        &ids as _,
        &capacities,
        &quantities,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Frees an order's places: its items stop being live, its standing places stop counting,
/// and its discount redemption is given back.
pub async fn release_places(conn: &mut PgConnection, order_id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "with released as (
             update order_item set live = false where order_id = $1 and live
             returning session_id, block_id, seat_id
         ), standing as (
             select session_id, block_id, count(*)::int as places
             from released where seat_id is null group by session_id, block_id
         )
         update standing_allocation a set taken = a.taken - s.places
         from standing s where a.session_id = s.session_id and a.block_id = s.block_id",
        order_id,
    )
    .execute(&mut *conn)
    .await?;
    release_discount(conn, order_id).await
}

/// Gives an order's discount use back (its places were freed, or all its tickets refunded).
pub async fn release_discount(conn: &mut PgConnection, order_id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "with released as (
             update discount_redemption set status = 'released'
             where order_id = $1 and status <> 'released' returning discount_id
         )
         update discount_usage u set uses = u.uses - 1
         from released r where u.discount_id = r.discount_id",
        order_id,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Makes an expired order's places live again for a payment that arrived late. Fails on
/// `order_item_session_seat_key` or `standing_allocation_within_capacity` when someone else
/// has them now. A discount it was quoted is honoured even past its usage cap: the buyer
/// paid that price.
pub async fn revive_places(
    conn: &mut PgConnection,
    order_id: Uuid,
    standing_capacity: &HashMap<String, u32>,
) -> Result<(), sqlx::Error> {
    let revived = sqlx::query!(
        "update order_item set live = true where order_id = $1 and not live
         returning session_id, seat_id, block_id",
        order_id,
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut standing: HashMap<(Uuid, String), u32> = HashMap::new();
    for item in revived {
        if item.seat_id.is_none() {
            *standing
                .entry((item.session_id, item.block_id))
                .or_default() += 1;
        }
    }
    for ((session_id, block_id), quantity) in standing {
        let capacity = standing_capacity.get(&block_id).copied().unwrap_or(0);
        reserve_standing(conn, session_id, &[(block_id, capacity, quantity)]).await?;
    }
    sqlx::query!(
        "with redeemed as (
             update discount_redemption set status = 'redeemed'
             where order_id = $1 and status = 'released' returning discount_id
         )
         update discount_usage u set uses = u.uses + 1
         from redeemed r where u.discount_id = r.discount_id",
        order_id,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Ends a pending order as `Expired` (only once overdue) or `Cancelled`, freeing its places.
/// `false` when it was no longer pending (or not yet overdue).
pub async fn close_pending(
    conn: &mut PgConnection,
    order_id: Uuid,
    status: OrderStatus,
) -> Result<bool, sqlx::Error> {
    let only_if_overdue = status == OrderStatus::Expired;
    let closed = sqlx::query!(
        "update purchase_order set status = $2, closed_at = now()
         where order_id = $1 and status = 'pending' and (not $3 or expires_at <= now())",
        order_id,
        status as _,
        only_if_overdue,
    )
    .execute(&mut *conn)
    .await?
    .rows_affected()
        == 1;
    if closed {
        release_places(conn, order_id).await?;
    }
    Ok(closed)
}

/// Ends an order whose payment goes back because its places are gone.
pub async fn close_refunded(conn: &mut PgConnection, order_id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update purchase_order set status = $2,
                paid_at = coalesce(paid_at, now()), closed_at = now()
         where order_id = $1",
        order_id,
        OrderStatus::Refunded as _,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Moves the expiry of a hold's pending order along with its extended hold.
pub async fn extend_pending(
    executor: impl PgExecutor<'_>,
    hold_token: &str,
    expires_at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update purchase_order set expires_at = $2
         where hold_token = $1 and status = 'pending' and expires_at < $2",
        hold_token,
        expires_at,
    )
    .execute(executor)
    .await?;
    Ok(())
}

/// Moves an order to `status`, stamping when: `paid_at` for paid, `ticketed_at` for ticketed,
/// `closed_at` for the rest.
pub async fn set_status(
    conn: &mut PgConnection,
    order_id: Uuid,
    status: OrderStatus,
) -> Result<(), sqlx::Error> {
    match status {
        OrderStatus::Paid => {
            sqlx::query!(
                "update purchase_order set status = $2, paid_at = now() where order_id = $1",
                order_id,
                status as _,
            )
            .execute(conn)
            .await?
        }
        OrderStatus::Ticketed => {
            sqlx::query!(
                "update purchase_order set status = $2, ticketed_at = now() where order_id = $1",
                order_id,
                status as _,
            )
            .execute(conn)
            .await?
        }
        OrderStatus::Pending
        | OrderStatus::Expired
        | OrderStatus::Cancelled
        | OrderStatus::Refunded => {
            sqlx::query!(
                "update purchase_order set status = $2, closed_at = now() where order_id = $1",
                order_id,
                status as _,
            )
            .execute(conn)
            .await?
        }
    };
    Ok(())
}

/// How a discount may be used, from command-service's `discount` table.
#[derive(Debug, Clone)]
pub struct DiscountRow {
    pub discount_id: Uuid,
    pub code: String,
    pub rule: sqlx::types::Json<shared_dto::discount::DiscountRule>,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    pub max_total_uses: Option<i32>,
    pub max_uses_per_customer: Option<i32>,
}

pub async fn find_discount(
    executor: impl PgExecutor<'_>,
    event_id: Uuid,
    code_normalised: &str,
) -> Result<Option<DiscountRow>, sqlx::Error> {
    sqlx::query_as!(
        DiscountRow,
        r#"select discount_id, code,
                  rule as "rule: sqlx::types::Json<shared_dto::discount::DiscountRule>",
                  starts_at, ends_at, max_total_uses, max_uses_per_customer
           from discount where event_id = $1 and code_normalised = $2"#,
        event_id,
        code_normalised,
    )
    .fetch_optional(executor)
    .await
}

/// Why a discount could not be reserved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReserveRefusal {
    UsedUp,
    CustomerLimit,
}

/// Reserves one use of a discount for an order. The usage row is locked until the
/// transaction ends, so concurrent orders for the same code queue here and the caps hold
/// exactly: with one use left, one order of any number racing gets it.
pub async fn reserve_discount(
    conn: &mut PgConnection,
    discount: &DiscountRow,
    order_id: Uuid,
    customer_key: &str,
    amount_minor: i64,
) -> Result<Result<(), ReserveRefusal>, sqlx::Error> {
    let reserved = sqlx::query_scalar!(
        "insert into discount_usage (discount_id, uses) values ($1, 1)
         on conflict (discount_id) do update set uses = discount_usage.uses + 1
         where $2::int is null or discount_usage.uses < $2
         returning uses",
        discount.discount_id,
        discount.max_total_uses,
    )
    .fetch_optional(&mut *conn)
    .await?;
    if reserved.is_none() {
        return Ok(Err(ReserveRefusal::UsedUp));
    }
    if let Some(limit) = discount.max_uses_per_customer {
        // Read after the lock above, so it sees every redemption committed before ours.
        let used = sqlx::query_scalar!(
            r#"select count(*) as "used!" from discount_redemption
               where discount_id = $1 and customer_key = $2 and status <> 'released'"#,
            discount.discount_id,
            customer_key,
        )
        .fetch_one(&mut *conn)
        .await?;
        if used >= i64::from(limit) {
            return Ok(Err(ReserveRefusal::CustomerLimit));
        }
    }
    sqlx::query!(
        "insert into discount_redemption (discount_redemption_id, discount_id, order_id,
             customer_key, amount_minor)
         values ($1, $2, $3, $4, $5)",
        Uuid::new_v4(),
        discount.discount_id,
        order_id,
        customer_key,
        amount_minor,
    )
    .execute(conn)
    .await?;
    Ok(Ok(()))
}

/// An `Idempotency-Key` already used by this caller.
#[derive(Debug, Clone)]
pub struct IdempotencyRow {
    pub request_hash: String,
    pub order_id: Uuid,
}

pub async fn find_idempotency(
    executor: impl PgExecutor<'_>,
    scope: &str,
    key: &str,
) -> Result<Option<IdempotencyRow>, sqlx::Error> {
    sqlx::query_as!(
        IdempotencyRow,
        "select request_hash, order_id from idempotency_key
         where scope = $1 and idempotency_key = $2",
        scope,
        key,
    )
    .fetch_optional(executor)
    .await
}

/// Claims the key for `order_id`; `false` when another request already has it. A concurrent
/// claim of the same key waits here until the first transaction ends.
pub async fn claim_idempotency(
    conn: &mut PgConnection,
    scope: &str,
    key: &str,
    request_hash: &str,
    order_id: Uuid,
) -> Result<bool, sqlx::Error> {
    let claimed = sqlx::query!(
        "insert into idempotency_key (scope, idempotency_key, request_hash, order_id)
         values ($1, $2, $3, $4) on conflict (scope, idempotency_key) do nothing",
        scope,
        key,
        request_hash,
        order_id,
    )
    .execute(conn)
    .await?
    .rows_affected();
    Ok(claimed == 1)
}
