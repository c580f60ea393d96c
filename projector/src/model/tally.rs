//! Ticket sales tallied per session as tickets change, so no read model ever counts a session's
//! tickets (that cost grew with every ticket sold).
//!
//! A tally document holds what the valid tickets of one session and tier, delivered on one
//! partition of the ticket topic, add up to, and the offset of the last change it counts. A
//! ticket change adds the difference between the ticket's new state and its state in the row
//! mirror, so a replayed change, or one the CDC runner published twice, adds nothing once the
//! mirror holds it. The tally is written before the mirror records the change, and only if the
//! change's offset is past the tally's, so a change redelivered after a crash between the two
//! writes is not counted twice. Rebuilding drops tallies with the mirrors and counts again.

use std::collections::{BTreeMap, HashMap};

use futures::TryStreamExt;
use mongodb::bson::{Bson, Document, doc};
use mongodb::{Database, IndexModel};
use shared_dto::read_model::TierSales;
use shared_dto::rows::TicketChangeRow;

use crate::change::RowChange;
use crate::error::ProjectionError;
use crate::mirror::{self, Mirrored};
use crate::model::rows::decode;

/// The tallies' collection, owned by the projector like its mirrors.
pub const COLLECTION: &str = "session_tallies";

const TICKET: &str = "ticket";

fn collection(database: &Database) -> mongodb::Collection<Document> {
    database.collection(COLLECTION)
}

/// The lookup index by session (idempotent).
pub async fn create_indexes(database: &Database) -> mongodb::error::Result<()> {
    collection(database)
        .create_index(IndexModel::builder().keys(doc! { "session_id": 1 }).build())
        .await?;
    Ok(())
}

/// Which tally document a contribution goes to.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct TallyKey {
    session_id: String,
    tier_id: String,
    /// The ticket topic's partition; 0 for changes projected without a broker.
    partition: i32,
}

impl TallyKey {
    fn id(&self) -> String {
        format!("{}|{}|{}", self.session_id, self.tier_id, self.partition)
    }
}

/// What one ticket adds to its tally: nothing unless it is valid.
#[derive(Debug, Clone, Default, PartialEq)]
struct Delta {
    sold: i64,
    checked_in: i64,
    revenue_minor: i64,
    currency: Option<String>,
}

impl Delta {
    fn is_zero(&self) -> bool {
        self.sold == 0 && self.checked_in == 0 && self.revenue_minor == 0
    }

    fn add(&mut self, other: &Delta, sign: i64) {
        self.sold += sign * other.sold;
        self.checked_in += sign * other.checked_in;
        self.revenue_minor += sign * other.revenue_minor;
        if sign > 0 && other.currency.is_some() {
            self.currency.clone_from(&other.currency);
        }
    }
}

fn contribution(ticket: &TicketChangeRow) -> Option<(String, String, Delta)> {
    ticket.is_valid().then(|| {
        (
            ticket.session_id.to_string(),
            ticket.tier_id.to_string(),
            Delta {
                sold: 1,
                checked_in: i64::from(ticket.checked_in_at.is_some()),
                revenue_minor: ticket.price_minor,
                currency: Some(ticket.currency.clone()),
            },
        )
    })
}

fn ticket_contribution(
    state: Option<&Mirrored>,
) -> Result<Option<(String, String, Delta)>, ProjectionError> {
    match state {
        Some(state) if !state.deleted => Ok(contribution(&decode::<TicketChangeRow>(&state.row)?)),
        _ => Ok(None),
    }
}

/// One ticket change's effect on one tally.
struct Step {
    key: TallyKey,
    offset: Option<i64>,
    delta: Delta,
    sign: i64,
}

/// Counts the ticket changes among `changes` into the tallies; call it before the mirror
/// records them. Changes of one ticket must come in the order they were delivered.
pub async fn apply(database: &Database, changes: &[RowChange]) -> Result<(), ProjectionError> {
    let tickets: Vec<&RowChange> = changes
        .iter()
        .filter(|change| change.table == TICKET)
        .collect();
    if tickets.is_empty() {
        return Ok(());
    }
    let keys: Vec<&str> = tickets.iter().map(|change| change.key.as_str()).collect();
    let mut states = mirror::states(database, TICKET, &keys).await?;
    let mut steps = Vec::new();
    for change in tickets {
        let lsn = i64::try_from(change.lsn).unwrap_or(i64::MAX);
        let previous = states.get(&change.key);
        // The mirror holds this change or a later one: it is counted already.
        if previous.is_some_and(|previous| previous.lsn >= lsn) {
            continue;
        }
        let next = Mirrored {
            lsn,
            deleted: change.deleted,
            row: change.row.clone(),
        };
        let before = ticket_contribution(previous)?;
        let after = ticket_contribution(Some(&next))?;
        let partition = change.position.map_or(0, |position| position.partition);
        let offset = change.position.map(|position| position.offset);
        for (contributed, sign) in [(before, -1), (after, 1)] {
            if let Some((session_id, tier_id, delta)) = contributed {
                steps.push(Step {
                    key: TallyKey {
                        session_id,
                        tier_id,
                        partition,
                    },
                    offset,
                    delta,
                    sign,
                });
            }
        }
        states.insert(change.key.clone(), next);
    }
    if steps.is_empty() {
        return Ok(());
    }

    let ids: Vec<String> = steps.iter().map(|step| step.key.id()).collect();
    let counted = counted_offsets(database, &ids).await?;
    // Per tally: the sum of the steps it has not counted yet, and the last offset among them.
    let mut pending: BTreeMap<TallyKey, (Delta, Option<i64>)> = BTreeMap::new();
    for step in steps {
        let id = step.key.id();
        if let (Some(offset), Some(counted)) = (step.offset, counted.get(&id))
            && offset <= *counted
        {
            continue;
        }
        let (delta, last) = pending.entry(step.key).or_default();
        delta.add(&step.delta, step.sign);
        *last = (*last).max(step.offset);
    }
    for (key, (delta, last)) in pending {
        if delta.is_zero() && last.is_none() {
            continue;
        }
        let id = key.id();
        let mut set = doc! {
            "session_id": &key.session_id,
            "tier_id": &key.tier_id,
            "partition": key.partition,
        };
        if let Some(currency) = &delta.currency {
            set.insert("currency", currency);
        }
        let mut filter = doc! { "_id": &id };
        if let Some(last) = last {
            set.insert("offset", last);
            // Guards against a second writer of the same partition (during a rebalance) having
            // counted some of these since they were read.
            match counted.get(&id) {
                Some(counted) => filter.insert("offset", *counted),
                None => filter.insert("offset", doc! { "$exists": false }),
            };
        }
        let written = collection(database)
            .update_one(
                filter,
                doc! {
                    "$inc": {
                        "sold": delta.sold,
                        "checked_in": delta.checked_in,
                        "revenue_minor": delta.revenue_minor,
                    },
                    "$set": set,
                },
            )
            .upsert(true)
            .await;
        match written {
            Ok(_) => {}
            // The tally moved since it was read, so the upsert collided with it: projecting
            // the batch again reads it afresh and skips what it counts by then.
            Err(error) if mirror::is_duplicate_key(&error) => {
                return Err(ProjectionError::Store(error));
            }
            Err(error) => return Err(error.into()),
        }
    }
    Ok(())
}

/// The partition of the tallies made from the mirrors rather than from changes.
const MIRRORED_PARTITION: i32 = -1;
/// Marks that the tallies include every ticket the mirror held when tallies began.
const BACKFILLED: &str = "backfilled";

/// Tallies every ticket the mirror already holds, once: a read store projected before tallies
/// existed has its tickets only in the mirror, and later changes count from the mirrored state.
/// Run before consuming.
pub async fn backfill(database: &Database) -> Result<(), ProjectionError> {
    if collection(database)
        .find_one(doc! { "_id": BACKFILLED })
        .await?
        .is_some()
    {
        return Ok(());
    }
    // A backfill interrupted half-way starts again from nothing.
    collection(database)
        .delete_many(doc! { "partition": MIRRORED_PARTITION })
        .await?;
    let mut totals: BTreeMap<TallyKey, Delta> = BTreeMap::new();
    for row in mirror::rows_matching(database, TICKET, Document::new()).await? {
        let ticket = match decode::<TicketChangeRow>(&row) {
            Ok(ticket) => ticket,
            // Its change went to the dead-letter topic the same way; it counts for nothing.
            Err(error) => {
                tracing::warn!(%error, "a mirrored ticket cannot be read; not tallied");
                continue;
            }
        };
        if let Some((session_id, tier_id, delta)) = contribution(&ticket) {
            totals
                .entry(TallyKey {
                    session_id,
                    tier_id,
                    partition: MIRRORED_PARTITION,
                })
                .or_default()
                .add(&delta, 1);
        }
    }
    let tallied = totals.len();
    for (key, delta) in totals {
        collection(database)
            .insert_one(doc! {
                "_id": key.id(),
                "session_id": &key.session_id,
                "tier_id": &key.tier_id,
                "partition": key.partition,
                "sold": delta.sold,
                "checked_in": delta.checked_in,
                "revenue_minor": delta.revenue_minor,
                "currency": delta.currency,
            })
            .await?;
    }
    collection(database)
        .insert_one(doc! { "_id": BACKFILLED })
        .await?;
    if tallied > 0 {
        tracing::info!(tallies = tallied, "tallied the tickets already mirrored");
    }
    Ok(())
}

async fn counted_offsets(
    database: &Database,
    ids: &[String],
) -> Result<HashMap<String, i64>, ProjectionError> {
    let documents: Vec<Document> = collection(database)
        .find(doc! { "_id": { "$in": ids } })
        .await?
        .try_collect()
        .await?;
    Ok(documents
        .iter()
        .filter_map(|document| {
            let offset = integer(document, "offset")?;
            Some((document.get_str("_id").ok()?.to_owned(), offset))
        })
        .collect())
}

fn integer(document: &Document, field: &str) -> Option<i64> {
    match document.get(field)? {
        Bson::Int64(value) => Some(*value),
        Bson::Int32(value) => Some(i64::from(*value)),
        Bson::Double(value) => Some(*value as i64),
        _ => None,
    }
}

/// A session's sales as the tallies count them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SessionSales {
    /// Tiers with at least one valid ticket.
    pub by_tier: BTreeMap<String, TierSales>,
    /// The tickets' currency; `None` while none is sold.
    pub currency: Option<String>,
}

impl SessionSales {
    pub fn sold(&self) -> u64 {
        self.by_tier.values().map(|tier| tier.sold).sum()
    }
}

/// The sales of each of `session_ids` (a session without tallies has sold nothing).
pub async fn sessions(
    database: &Database,
    session_ids: &[&str],
) -> Result<HashMap<String, SessionSales>, ProjectionError> {
    let documents: Vec<Document> = collection(database)
        .find(doc! { "session_id": { "$in": session_ids } })
        .sort(doc! { "_id": 1 })
        .await?
        .try_collect()
        .await?;
    let mut sales: HashMap<String, SessionSales> = HashMap::new();
    for document in &documents {
        let (Ok(session_id), Ok(tier_id)) =
            (document.get_str("session_id"), document.get_str("tier_id"))
        else {
            return Err(ProjectionError::shape(
                "a tally without its session or tier",
            ));
        };
        let count = |field: &str| integer(document, field).unwrap_or(0);
        let session = sales.entry(session_id.to_owned()).or_default();
        let tier = session.by_tier.entry(tier_id.to_owned()).or_default();
        tier.sold += u64::try_from(count("sold")).unwrap_or(0);
        tier.checked_in += u64::try_from(count("checked_in")).unwrap_or(0);
        tier.revenue_minor += count("revenue_minor");
        if let Ok(currency) = document.get_str("currency") {
            session.currency = Some(currency.to_owned());
        }
    }
    for session in sales.values_mut() {
        session.by_tier.retain(|_, tier| tier.sold > 0);
        if session.by_tier.is_empty() {
            session.currency = None;
        }
    }
    Ok(sales)
}

/// The sales of one session.
pub async fn session(
    database: &Database,
    session_id: &str,
) -> Result<SessionSales, ProjectionError> {
    Ok(sessions(database, &[session_id])
        .await?
        .remove(session_id)
        .unwrap_or_default())
}
