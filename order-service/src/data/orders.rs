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

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

use crate::pricing::PricedOrder;

/// Statuses in which an order keeps its places.
pub const LIVE_STATUSES: [&str; 3] = ["pending", "paid", "ticketed"];

#[derive(Debug, Clone, sqlx::FromRow)]
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
    pub status: String,
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
        self.status == "pending" && self.expires_at <= now
    }
}

const ORDER_COLUMNS: &str = "order_id, event_id, session_id, hold_token, hold_buyer, customer_subject, \
    customer_key, buyer_name, buyer_email, status, currency, subtotal_minor, discount_minor, \
    total_minor, discount_id, discount_code, expires_at, paid_at, ticketed_at, closed_at, \
    created_at, updated_at, version";

#[derive(Debug, Clone, sqlx::FromRow)]
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
    sqlx::query_as(&format!(
        "select {ORDER_COLUMNS} from purchase_order where order_id = $1"
    ))
    .bind(order_id)
    .fetch_optional(executor)
    .await
}

/// A payment's status with the order it is for, read together.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PaidFor {
    pub payment_status: String,
    #[sqlx(flatten)]
    pub order: OrderRow,
}

pub async fn paid_for(
    executor: impl PgExecutor<'_>,
    payment_id: Uuid,
) -> Result<Option<PaidFor>, sqlx::Error> {
    let columns = ORDER_COLUMNS
        .split(", ")
        .map(|column| format!("o.{}", column.trim()))
        .collect::<Vec<_>>()
        .join(", ");
    sqlx::query_as(&format!(
        "select p.status as payment_status, {columns}
         from payment p join purchase_order o using (order_id) where p.payment_id = $1"
    ))
    .bind(payment_id)
    .fetch_optional(executor)
    .await
}

/// Paid orders of a session with ids after `after`, in id order (a keyset page).
pub async fn paid_of_session(
    executor: impl PgExecutor<'_>,
    session_id: Uuid,
    after: Uuid,
    limit: i64,
) -> Result<Vec<Uuid>, sqlx::Error> {
    sqlx::query_scalar(
        "select order_id from purchase_order
         where session_id = $1 and status in ('paid', 'ticketed') and order_id > $2
         order by order_id limit $3",
    )
    .bind(session_id)
    .bind(after)
    .bind(limit)
    .fetch_all(executor)
    .await
}

/// The organisation whose event a session is for.
pub async fn organisation_of_session(
    executor: impl PgExecutor<'_>,
    session_id: Uuid,
) -> Result<Option<Uuid>, sqlx::Error> {
    sqlx::query_scalar(
        "select e.organisation_id from session s join event e using (event_id)
         where s.session_id = $1",
    )
    .bind(session_id)
    .fetch_optional(executor)
    .await
}

/// The organisation whose event an order is for.
pub async fn organisation_of(
    executor: impl PgExecutor<'_>,
    order_id: Uuid,
) -> Result<Option<Uuid>, sqlx::Error> {
    sqlx::query_scalar(
        "select e.organisation_id from purchase_order o join event e using (event_id)
         where o.order_id = $1",
    )
    .bind(order_id)
    .fetch_optional(executor)
    .await
}

pub async fn lock(conn: &mut PgConnection, order_id: Uuid) -> Result<OrderRow, sqlx::Error> {
    sqlx::query_as(&format!(
        "select {ORDER_COLUMNS} from purchase_order where order_id = $1 for update"
    ))
    .bind(order_id)
    .fetch_one(conn)
    .await
}

/// The order placed from a hold that still keeps its places.
pub async fn live_for_hold(
    executor: impl PgExecutor<'_>,
    hold_token: &str,
) -> Result<Option<OrderRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "select {ORDER_COLUMNS} from purchase_order
         where hold_token = $1 and status = any($2)"
    ))
    .bind(hold_token)
    .bind(&LIVE_STATUSES[..])
    .fetch_optional(executor)
    .await
}

pub async fn items(
    executor: impl PgExecutor<'_>,
    order_id: Uuid,
) -> Result<Vec<ItemRow>, sqlx::Error> {
    sqlx::query_as(
        "select order_item_id, session_id, seat_id, block_id, tier_id, unit_price_minor,
                discount_minor, live
         from order_item where order_id = $1 order by seat_id nulls last, order_item_id",
    )
    .bind(order_id)
    .fetch_all(executor)
    .await
}

pub async fn for_customer(
    executor: impl PgExecutor<'_>,
    subject: &str,
) -> Result<Vec<OrderRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "select {ORDER_COLUMNS} from purchase_order
         where customer_subject = $1 order by created_at desc limit 500"
    ))
    .bind(subject)
    .fetch_all(executor)
    .await
}

/// The predicate "this seat is not for sale": a valid ticket, or a live item of an order
/// that is paid, ticketed, or pending and not yet overdue.
const TAKEN_SEATS: &str = "
    select seat_id from ticket
    where session_id = $1 and status = 'valid' and seat_id is not null {ticket_filter}
    union
    select i.seat_id from order_item i join purchase_order o using (order_id)
    where i.session_id = $1 and i.live and i.seat_id is not null {item_filter}
      and (o.status <> 'pending' or o.expires_at > now())";

/// Every seat of the session PostgreSQL counts as taken.
pub async fn taken_seats(
    executor: impl PgExecutor<'_>,
    session_id: Uuid,
) -> Result<HashSet<String>, sqlx::Error> {
    let sql = TAKEN_SEATS
        .replace("{ticket_filter}", "")
        .replace("{item_filter}", "");
    let seats: Vec<String> = sqlx::query_scalar(&sql)
        .bind(session_id)
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
    let sql = TAKEN_SEATS
        .replace("{ticket_filter}", "and seat_id = any($2)")
        .replace("{item_filter}", "and i.seat_id = any($2)");
    let mut seats: Vec<String> = sqlx::query_scalar(&sql)
        .bind(session_id)
        .bind(seat_ids)
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
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "select block_id, count(*) from ticket
         where session_id = $1 and seat_id is null and status = 'valid' group by block_id",
    )
    .bind(session_id)
    .fetch_all(executor)
    .await?;
    Ok(rows.into_iter().collect())
}

/// Overdue pending orders holding any of these seats or places in these standing blocks.
pub async fn overdue_holding(
    conn: &mut PgConnection,
    session_id: Uuid,
    seat_ids: &[String],
    standing_blocks: &[String],
) -> Result<Vec<Uuid>, sqlx::Error> {
    sqlx::query_scalar(
        "select distinct o.order_id from purchase_order o join order_item i using (order_id)
         where o.status = 'pending' and o.expires_at <= now() and i.live and i.session_id = $1
           and (i.seat_id = any($2) or (i.seat_id is null and i.block_id = any($3)))
         order by o.order_id",
    )
    .bind(session_id)
    .bind(seat_ids)
    .bind(standing_blocks)
    .fetch_all(conn)
    .await
}

/// Overdue pending orders, oldest first.
pub async fn overdue(executor: impl PgExecutor<'_>, limit: i64) -> Result<Vec<Uuid>, sqlx::Error> {
    sqlx::query_scalar(
        "select order_id from purchase_order
         where status = 'pending' and expires_at <= now() order by expires_at limit $1",
    )
    .bind(limit)
    .fetch_all(executor)
    .await
}

const INSERT_ORDER: &str = "insert into purchase_order (order_id, event_id, session_id,
         hold_token, hold_buyer, customer_subject, customer_key, buyer_name, buyer_email,
         currency, subtotal_minor, discount_minor, total_minor, discount_id, discount_code,
         expires_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)";

pub async fn insert_order(
    conn: &mut PgConnection,
    order: &NewOrder<'_>,
) -> Result<OrderRow, sqlx::Error> {
    let sql = format!("{INSERT_ORDER} returning {ORDER_COLUMNS}");
    bind_order(sqlx::query_as(&sql), order)
        .fetch_one(conn)
        .await
}

/// The order and its items in one statement (no discount to reserve between them); fails on
/// `order_item_session_seat_key` as [`insert_items`] does.
pub async fn insert_order_with_items(
    conn: &mut PgConnection,
    order: &NewOrder<'_>,
) -> Result<OrderRow, sqlx::Error> {
    let items = ItemColumns::of(order);
    let sql = format!(
        "with placed as ({INSERT_ORDER} returning {ORDER_COLUMNS}),
              items as ({})
         select {ORDER_COLUMNS} from placed",
        insert_items_sql(1, 3, 17)
    );
    bind_order(sqlx::query_as(&sql), order)
        .bind(&items.ids)
        .bind(&items.seat_ids)
        .bind(&items.block_ids)
        .bind(&items.tier_ids)
        .bind(&items.prices)
        .bind(&items.discounts)
        .fetch_one(conn)
        .await
}

type OrderQuery<'q> =
    sqlx::query::QueryAs<'q, sqlx::Postgres, OrderRow, sqlx::postgres::PgArguments>;

/// Binds `$1`..`$16` of [`INSERT_ORDER`].
fn bind_order<'q>(query: OrderQuery<'q>, order: &NewOrder<'q>) -> OrderQuery<'q> {
    let priced = order.priced;
    query
        .bind(order.order_id)
        .bind(order.event_id)
        .bind(order.session_id)
        .bind(order.hold_token)
        .bind(order.hold_buyer)
        .bind(order.customer_subject)
        .bind(order.customer_key)
        .bind(order.buyer_name)
        .bind(order.buyer_email)
        .bind(priced.currency.code())
        .bind(priced.subtotal_minor)
        .bind(priced.discount_minor)
        .bind(priced.total_minor)
        .bind(order.discount.map(|(id, _)| id))
        .bind(order.discount.map(|(_, code)| code))
        .bind(order.expires_at)
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

/// The items' insert: order id at `$order`, session id at `$session`, and from `$first` on
/// the arrays of item ids, seat ids, block ids, tier ids, prices and discounts, inserted in
/// array order.
fn insert_items_sql(order: usize, session: usize, first: usize) -> String {
    let [ids, seats, blocks, tiers, prices, discounts] =
        std::array::from_fn::<usize, 6, _>(|i| first + i);
    format!(
        "insert into order_item (order_item_id, order_id, session_id, seat_id, block_id, tier_id,
             unit_price_minor, discount_minor)
         select item_id, ${order}, ${session}, seat_id, block_id, tier_id, price, discount
         from unnest(${ids}::uuid[], ${seats}::text[], ${blocks}::text[], ${tiers}::uuid[],
                     ${prices}::bigint[], ${discounts}::bigint[])
              with ordinality as t(item_id, seat_id, block_id, tier_id, price, discount, position)
         order by position"
    )
}

/// The order's seats and standing places; fails on `order_item_session_seat_key` when a seat
/// is in another live order.
pub async fn insert_items(
    conn: &mut PgConnection,
    order: &NewOrder<'_>,
) -> Result<(), sqlx::Error> {
    let items = ItemColumns::of(order);
    sqlx::query(&insert_items_sql(1, 2, 3))
        .bind(order.order_id)
        .bind(order.session_id)
        .bind(&items.ids)
        .bind(&items.seat_ids)
        .bind(&items.block_ids)
        .bind(&items.tier_ids)
        .bind(&items.prices)
        .bind(&items.discounts)
        .execute(conn)
        .await?;
    Ok(())
}

/// Today's price of each tier of an event.
pub async fn tier_prices(
    executor: impl PgExecutor<'_>,
    event_id: Uuid,
) -> Result<Vec<(Uuid, i64, String)>, sqlx::Error> {
    sqlx::query_as("select tier_id, price_minor, currency from tier where event_id = $1")
        .bind(event_id)
        .fetch_all(executor)
        .await
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
    sqlx::query(
        "insert into standing_allocation (session_id, block_id, capacity, taken)
         select $1, block_id, capacity, quantity
         from unnest($2::text[], $3::int[], $4::int[]) as t(block_id, capacity, quantity)
         on conflict (session_id, block_id) do update
            set capacity = excluded.capacity, taken = standing_allocation.taken + excluded.taken",
    )
    .bind(session_id)
    .bind(&ids)
    .bind(&capacities)
    .bind(&quantities)
    .execute(conn)
    .await?;
    Ok(())
}

/// Frees an order's places: its items stop being live, its standing places stop counting,
/// and its discount redemption is given back.
pub async fn release_places(conn: &mut PgConnection, order_id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query(
        "with released as (
             update order_item set live = false where order_id = $1 and live
             returning session_id, block_id, seat_id
         ), standing as (
             select session_id, block_id, count(*)::int as places
             from released where seat_id is null group by session_id, block_id
         )
         update standing_allocation a set taken = a.taken - s.places
         from standing s where a.session_id = s.session_id and a.block_id = s.block_id",
    )
    .bind(order_id)
    .execute(&mut *conn)
    .await?;
    release_discount(conn, order_id).await
}

/// Gives an order's discount use back (its places were freed, or all its tickets refunded).
pub async fn release_discount(conn: &mut PgConnection, order_id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query(
        "with released as (
             update discount_redemption set status = 'released'
             where order_id = $1 and status <> 'released' returning discount_id
         )
         update discount_usage u set uses = u.uses - 1
         from released r where u.discount_id = r.discount_id",
    )
    .bind(order_id)
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
    let revived: Vec<(Uuid, Option<String>, String)> = sqlx::query_as(
        "update order_item set live = true where order_id = $1 and not live
         returning session_id, seat_id, block_id",
    )
    .bind(order_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut standing: HashMap<(Uuid, String), u32> = HashMap::new();
    for (session_id, seat_id, block_id) in revived {
        if seat_id.is_none() {
            *standing.entry((session_id, block_id)).or_default() += 1;
        }
    }
    for ((session_id, block_id), quantity) in standing {
        let capacity = standing_capacity.get(&block_id).copied().unwrap_or(0);
        reserve_standing(conn, session_id, &[(block_id, capacity, quantity)]).await?;
    }
    sqlx::query(
        "with redeemed as (
             update discount_redemption set status = 'redeemed'
             where order_id = $1 and status = 'released' returning discount_id
         )
         update discount_usage u set uses = u.uses + 1
         from redeemed r where u.discount_id = r.discount_id",
    )
    .bind(order_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Ends a pending order as `expired` (only once overdue) or `cancelled`, freeing its places.
/// `false` when it was no longer pending (or not yet overdue).
pub async fn close_pending(
    conn: &mut PgConnection,
    order_id: Uuid,
    status: &str,
) -> Result<bool, sqlx::Error> {
    let closed = sqlx::query(
        "update purchase_order set status = $2, closed_at = now()
         where order_id = $1 and status = 'pending' and ($2 <> 'expired' or expires_at <= now())",
    )
    .bind(order_id)
    .bind(status)
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
    sqlx::query(
        "update purchase_order set status = 'refunded',
                paid_at = coalesce(paid_at, now()), closed_at = now()
         where order_id = $1",
    )
    .bind(order_id)
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
    sqlx::query(
        "update purchase_order set expires_at = $2
         where hold_token = $1 and status = 'pending' and expires_at < $2",
    )
    .bind(hold_token)
    .bind(expires_at)
    .execute(executor)
    .await?;
    Ok(())
}

pub async fn set_status(
    conn: &mut PgConnection,
    order_id: Uuid,
    status: &str,
) -> Result<(), sqlx::Error> {
    let timestamp = match status {
        "paid" => "paid_at",
        "ticketed" => "ticketed_at",
        _ => "closed_at",
    };
    sqlx::query(&format!(
        "update purchase_order set status = $2, {timestamp} = now() where order_id = $1"
    ))
    .bind(order_id)
    .bind(status)
    .execute(conn)
    .await?;
    Ok(())
}

/// How a discount may be used, from command-service's `discount` table.
#[derive(Debug, Clone, sqlx::FromRow)]
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
    sqlx::query_as(
        "select discount_id, code, rule, starts_at, ends_at, max_total_uses, max_uses_per_customer
         from discount where event_id = $1 and code_normalised = $2",
    )
    .bind(event_id)
    .bind(code_normalised)
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
    let reserved: Option<i32> = sqlx::query_scalar(
        "insert into discount_usage (discount_id, uses) values ($1, 1)
         on conflict (discount_id) do update set uses = discount_usage.uses + 1
         where $2::int is null or discount_usage.uses < $2
         returning uses",
    )
    .bind(discount.discount_id)
    .bind(discount.max_total_uses)
    .fetch_optional(&mut *conn)
    .await?;
    if reserved.is_none() {
        return Ok(Err(ReserveRefusal::UsedUp));
    }
    if let Some(limit) = discount.max_uses_per_customer {
        // Read after the lock above, so it sees every redemption committed before ours.
        let used: i64 = sqlx::query_scalar(
            "select count(*) from discount_redemption
             where discount_id = $1 and customer_key = $2 and status <> 'released'",
        )
        .bind(discount.discount_id)
        .bind(customer_key)
        .fetch_one(&mut *conn)
        .await?;
        if used >= i64::from(limit) {
            return Ok(Err(ReserveRefusal::CustomerLimit));
        }
    }
    sqlx::query(
        "insert into discount_redemption (discount_redemption_id, discount_id, order_id,
             customer_key, amount_minor)
         values ($1, $2, $3, $4, $5)",
    )
    .bind(Uuid::new_v4())
    .bind(discount.discount_id)
    .bind(order_id)
    .bind(customer_key)
    .bind(amount_minor)
    .execute(conn)
    .await?;
    Ok(Ok(()))
}

/// An `Idempotency-Key` already used by this caller.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct IdempotencyRow {
    pub request_hash: String,
    pub order_id: Uuid,
}

pub async fn find_idempotency(
    executor: impl PgExecutor<'_>,
    scope: &str,
    key: &str,
) -> Result<Option<IdempotencyRow>, sqlx::Error> {
    sqlx::query_as(
        "select request_hash, order_id from idempotency_key
         where scope = $1 and idempotency_key = $2",
    )
    .bind(scope)
    .bind(key)
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
    let claimed = sqlx::query(
        "insert into idempotency_key (scope, idempotency_key, request_hash, order_id)
         values ($1, $2, $3, $4) on conflict (scope, idempotency_key) do nothing",
    )
    .bind(scope)
    .bind(key)
    .bind(request_hash)
    .bind(order_id)
    .execute(conn)
    .await?
    .rows_affected();
    Ok(claimed == 1)
}
