//! Typed reads of the row mirrors, for the read models to build from.

use mongodb::Database;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::error::ProjectionError;
use crate::mirror;

/// A mirrored row as its table's row type.
pub fn decode<T: DeserializeOwned>(row: &Map<String, Value>) -> Result<T, ProjectionError> {
    serde_json::from_value(Value::Object(row.clone()))
        .map_err(|error| ProjectionError::shape(format!("{}: {error}", std::any::type_name::<T>())))
}

/// A live row by primary key, typed.
pub async fn row<T: DeserializeOwned>(
    database: &Database,
    table: &str,
    key: &str,
) -> Result<Option<T>, ProjectionError> {
    mirror::row(database, table, key)
        .await?
        .as_ref()
        .map(decode)
        .transpose()
}

/// Live rows whose `field` equals `value`, typed.
pub async fn rows_where<T: DeserializeOwned>(
    database: &Database,
    table: &str,
    field: &str,
    value: &str,
) -> Result<Vec<T>, ProjectionError> {
    mirror::rows_where(database, table, field, value)
        .await?
        .iter()
        .map(decode)
        .collect()
}
