//! Writing read-model documents: whole replacements and removals by id.

use mongodb::Database;

use crate::error::ProjectionError;

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
