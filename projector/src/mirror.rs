//! Row mirrors: the latest known state of every captured row, one collection per table.
//!
//! A change is written only when its WAL position (LSN) is newer than the mirror's, so a
//! replayed change is a no-op and an older change delivered after a newer one changes nothing.
//! Read models are then recomputed from mirrors (and the sales tallies, which are guarded the
//! same way), never patched, which is what makes replay, crash recovery and rebuilds converge
//! on the same documents.

use std::collections::HashMap;

use futures::TryStreamExt;
use mongodb::bson::{self, Bson, Document, doc};
use mongodb::{Collection, Database, IndexModel};
use serde_json::{Map, Value};

use crate::change::RowChange;

/// Tables the read models draw on, with the foreign-key fields they are looked up by.
pub const MIRRORED: &[(&str, &[&str])] = &[
    ("organisation", &[]),
    ("organisation_member", &["organisation_id"]),
    ("category", &[]),
    ("venue", &["organisation_id"]),
    ("event", &["organisation_id", "category_id"]),
    ("tier", &["event_id"]),
    ("session", &["event_id", "venue_id"]),
    ("session_layout", &[]),
    ("ticket", &["session_id", "event_id"]),
];

pub fn is_mirrored(table: &str) -> bool {
    MIRRORED.iter().any(|(name, _)| *name == table)
}

pub fn collection_name(table: &str) -> String {
    format!("mirror_{table}")
}

fn collection(database: &Database, table: &str) -> Collection<Document> {
    database.collection(&collection_name(table))
}

/// Creates the lookup indexes (idempotent).
pub async fn create_indexes(database: &Database) -> mongodb::error::Result<()> {
    for (table, fields) in MIRRORED {
        for field in *fields {
            let index = IndexModel::builder()
                .keys(doc! { format!("row.{field}"): 1 })
                .build();
            collection(database, table).create_index(index).await?;
        }
    }
    Ok(())
}

/// Whether a write failed on a unique key (an upsert whose filter missed an existing document).
pub fn is_duplicate_key(error: &mongodb::error::Error) -> bool {
    use mongodb::error::{ErrorKind, WriteFailure};
    match error.kind.as_ref() {
        ErrorKind::Write(WriteFailure::WriteError(write)) => write.code == 11000,
        ErrorKind::Command(command) => command.code == 11000,
        _ => error.to_string().contains("E11000"),
    }
}

/// Records `change` unless the mirror already holds this or a later state of the row.
/// Returns whether the mirror changed.
pub async fn record(database: &Database, change: &RowChange) -> mongodb::error::Result<bool> {
    let lsn = i64::try_from(change.lsn).unwrap_or(i64::MAX);
    let row =
        bson::to_bson(&Value::Object(change.row.clone())).map_err(mongodb::error::Error::custom)?;
    let outcome = collection(database, &change.table)
        .update_one(
            doc! { "_id": &change.key, "lsn": { "$lt": lsn } },
            doc! { "$set": { "lsn": lsn, "deleted": change.deleted, "row": row } },
        )
        .upsert(true)
        .await;
    match outcome {
        Ok(_) => Ok(true),
        // The row exists with an LSN at least as new: the filter missed and the upsert collided.
        Err(error) if is_duplicate_key(&error) => Ok(false),
        Err(error) => Err(error),
    }
}

/// A live (not deleted) row by primary key.
pub async fn row(
    database: &Database,
    table: &str,
    key: &str,
) -> mongodb::error::Result<Option<Map<String, Value>>> {
    let found = collection(database, table)
        .find_one(doc! { "_id": key, "deleted": false })
        .await?;
    Ok(found.and_then(row_of))
}

/// Live rows whose `field` equals `value`, in primary-key order.
pub async fn rows_where(
    database: &Database,
    table: &str,
    field: &str,
    value: &str,
) -> mongodb::error::Result<Vec<Map<String, Value>>> {
    let documents: Vec<Document> = collection(database, table)
        .find(doc! { format!("row.{field}"): value, "deleted": false })
        .sort(doc! { "_id": 1 })
        .await?
        .try_collect()
        .await?;
    Ok(documents.into_iter().filter_map(row_of).collect())
}

fn row_of(mut document: Document) -> Option<Map<String, Value>> {
    match document.remove("row").map(Bson::into_relaxed_extjson) {
        Some(Value::Object(row)) => Some(row),
        _ => None,
    }
}

/// Live rows matching `filter` (on `row.*` fields), in primary-key order.
pub async fn rows_matching(
    database: &Database,
    table: &str,
    mut filter: Document,
) -> mongodb::error::Result<Vec<Map<String, Value>>> {
    filter.insert("deleted", false);
    let documents: Vec<Document> = collection(database, table)
        .find(filter)
        .sort(doc! { "_id": 1 })
        .await?
        .try_collect()
        .await?;
    Ok(documents.into_iter().filter_map(row_of).collect())
}

/// A mirrored row as stored: its LSN, whether it was deleted, and its last image.
#[derive(Debug, Clone)]
pub struct Mirrored {
    pub lsn: i64,
    pub deleted: bool,
    pub row: Map<String, Value>,
}

/// The mirrored state of each of `keys` that the mirror holds, deleted rows included.
pub async fn states(
    database: &Database,
    table: &str,
    keys: &[&str],
) -> mongodb::error::Result<HashMap<String, Mirrored>> {
    let documents: Vec<Document> = collection(database, table)
        .find(doc! { "_id": { "$in": keys } })
        .await?
        .try_collect()
        .await?;
    Ok(documents
        .into_iter()
        .filter_map(|mut document| {
            let key = document.get_str("_id").ok()?.to_owned();
            let lsn = match document.get("lsn")? {
                Bson::Int64(lsn) => *lsn,
                Bson::Int32(lsn) => i64::from(*lsn),
                _ => return None,
            };
            let deleted = document.get_bool("deleted").unwrap_or(false);
            document.remove("_id");
            let row = row_of(document)?;
            Some((key, Mirrored { lsn, deleted, row }))
        })
        .collect())
}

/// Only `fields` of a live row, for reads that must not carry a large column along (a
/// session's layout is megabytes; its capacity is two numbers).
pub async fn row_fields(
    database: &Database,
    table: &str,
    key: &str,
    fields: &[&str],
) -> mongodb::error::Result<Option<Map<String, Value>>> {
    let mut projection = Document::new();
    for field in fields {
        projection.insert(format!("row.{field}"), 1);
    }
    let Some(mut found) = collection(database, table)
        .find_one(doc! { "_id": key, "deleted": false })
        .projection(projection)
        .await?
    else {
        return Ok(None);
    };
    if found.contains_key("row") {
        return Ok(row_of(found));
    }
    // The local MongoDB-protocol server answers an inclusion of `row.x` with a top-level field
    // named "row.x" rather than a nested document; read both shapes.
    let mut row = Map::new();
    for field in fields {
        if let Some(value) = found.remove(format!("row.{field}")) {
            row.insert((*field).to_owned(), value.into_relaxed_extjson());
        }
    }
    Ok(Some(row))
}
