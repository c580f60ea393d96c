//! The read models, one module each. Every document is recomputed whole from the row mirrors,
//! so the same mirror state always yields the same document.

pub mod events;
pub mod organisations;
pub mod sales;
pub mod seat_maps;
pub mod sold_places;

use std::collections::BTreeSet;

use chrono::DateTime;
use mongodb::Database;
use serde_json::{Map, Value};

use crate::change::RowChange;
use crate::mirror;
use crate::projection::ProjectionError;

/// A read-model document to recompute.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Target {
    Event(String),
    SeatMap(String),
    SoldPlace(String),
    Sales(String),
    Organisation(String),
}

/// The documents a change can affect.
pub async fn affected(
    database: &Database,
    change: &RowChange,
) -> Result<BTreeSet<Target>, ProjectionError> {
    let row = &change.row;
    let mut targets = BTreeSet::new();
    match change.table.as_str() {
        "organisation" => {
            targets.insert(Target::Organisation(change.key.clone()));
            for event in
                mirror::rows_where(database, "event", "organisation_id", &change.key).await?
            {
                targets.insert(Target::Event(text(&event, "event_id")?));
            }
        }
        "organisation_member" => {
            targets.insert(Target::Organisation(text(row, "organisation_id")?));
        }
        "category" => {
            for event in mirror::rows_where(database, "event", "category_id", &change.key).await? {
                targets.insert(Target::Event(text(&event, "event_id")?));
            }
        }
        "venue" => {
            for session in mirror::rows_where(database, "session", "venue_id", &change.key).await? {
                targets.insert(Target::Event(text(&session, "event_id")?));
            }
        }
        "event" => {
            targets.insert(Target::Event(change.key.clone()));
        }
        "tier" => {
            let event_id = text(row, "event_id")?;
            for session in mirror::rows_where(database, "session", "event_id", &event_id).await? {
                targets.insert(Target::SeatMap(text(&session, "session_id")?));
            }
            targets.insert(Target::Event(event_id));
        }
        "session" => {
            targets.insert(Target::Event(text(row, "event_id")?));
            targets.insert(Target::SeatMap(change.key.clone()));
            targets.insert(Target::Sales(change.key.clone()));
        }
        "session_layout" => {
            targets.insert(Target::SeatMap(change.key.clone()));
            if let Some(session) = mirror::row(database, "session", &change.key).await? {
                targets.insert(Target::Event(text(&session, "event_id")?));
            }
        }
        "ticket" => {
            targets.insert(Target::SoldPlace(change.key.clone()));
            targets.insert(Target::Sales(text(row, "session_id")?));
            targets.insert(Target::Event(text(row, "event_id")?));
        }
        _ => {}
    }
    Ok(targets)
}

/// Rebuilds one document from the mirrors.
pub async fn recompute(database: &Database, target: &Target) -> Result<(), ProjectionError> {
    match target {
        Target::Event(id) => events::recompute(database, id).await,
        Target::SeatMap(id) => seat_maps::recompute(database, id).await,
        Target::SoldPlace(id) => sold_places::recompute(database, id).await,
        Target::Sales(id) => sales::recompute(database, id).await,
        Target::Organisation(id) => organisations::recompute(database, id).await,
    }
}

/// A read-model document as BSON, encoded through JSON so ids and other types that serialise
/// differently for binary formats (a `Uuid` would become BSON binary) stay strings.
pub fn document_of<T: serde::Serialize>(
    value: &T,
) -> Result<mongodb::bson::Document, ProjectionError> {
    let json =
        serde_json::to_value(value).map_err(|error| ProjectionError::shape(error.to_string()))?;
    mongodb::bson::to_document(&json).map_err(|error| ProjectionError::shape(error.to_string()))
}

/// Replaces (or creates) the document with `id` in `collection`.
pub async fn store<T: serde::Serialize>(
    database: &Database,
    collection: &str,
    id: &str,
    value: &T,
) -> Result<(), ProjectionError> {
    database
        .collection::<mongodb::bson::Document>(collection)
        .replace_one(mongodb::bson::doc! { "_id": id }, document_of(value)?)
        .upsert(true)
        .await?;
    Ok(())
}

/// Removes the document with `id` from `collection`.
pub async fn remove(
    database: &Database,
    collection: &str,
    id: &str,
) -> Result<(), ProjectionError> {
    database
        .collection::<mongodb::bson::Document>(collection)
        .delete_one(mongodb::bson::doc! { "_id": id })
        .await?;
    Ok(())
}

/// A required text column.
pub fn text(row: &Map<String, Value>, column: &str) -> Result<String, ProjectionError> {
    optional_text(row, column)
        .ok_or_else(|| ProjectionError::shape(format!("column {column} missing or not text")))
}

pub fn optional_text(row: &Map<String, Value>, column: &str) -> Option<String> {
    match row.get(column) {
        Some(Value::String(value)) => Some(value.clone()),
        _ => None,
    }
}

pub fn integer(row: &Map<String, Value>, column: &str) -> Result<i64, ProjectionError> {
    row.get(column)
        .and_then(Value::as_i64)
        .ok_or_else(|| ProjectionError::shape(format!("column {column} missing or not an integer")))
}

pub fn float(row: &Map<String, Value>, column: &str) -> Result<f64, ProjectionError> {
    row.get(column)
        .and_then(Value::as_f64)
        .ok_or_else(|| ProjectionError::shape(format!("column {column} missing or not a number")))
}

/// A `timestamptz` column (an ISO-8601 string) as ms since the epoch.
pub fn time_ms(row: &Map<String, Value>, column: &str) -> Result<i64, ProjectionError> {
    optional_time_ms(row, column)?
        .ok_or_else(|| ProjectionError::shape(format!("column {column} missing")))
}

pub fn optional_time_ms(
    row: &Map<String, Value>,
    column: &str,
) -> Result<Option<i64>, ProjectionError> {
    match row.get(column) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => DateTime::parse_from_rfc3339(text)
            .map(|time| Some(time.timestamp_millis()))
            .map_err(|error| ProjectionError::shape(format!("column {column}: {error}"))),
        Some(other) => Err(ProjectionError::shape(format!(
            "column {column} is not a timestamp: {other}"
        ))),
    }
}

/// Unsigned count from a row, never negative.
pub fn count(row: &Map<String, Value>, column: &str) -> Result<u64, ProjectionError> {
    Ok(u64::try_from(integer(row, column)?).unwrap_or(0))
}
