//! Projecting one change: record it in its row mirror, then recompute every read-model
//! document it affects. Recomputing even when the mirror already had the change is what lets a
//! projector killed between the two steps converge when the change is redelivered.

use std::collections::BTreeSet;

use mongodb::Database;

use crate::change::RowChange;
use crate::{mirror, model};

/// Why a change could not be projected.
#[derive(Debug, thiserror::Error)]
pub enum ProjectionError {
    /// The read store could not be reached or answered; retrying later can succeed.
    #[error("read store: {0}")]
    Store(mongodb::error::Error),
    /// The change itself cannot be projected (an unexpected row shape); retrying cannot help,
    /// so it goes to the dead-letter topic.
    #[error("cannot project: {0}")]
    Shape(String),
}

impl From<mongodb::error::Error> for ProjectionError {
    /// A refused write or a document that cannot be encoded fails the same way every time, so
    /// it is a poison message rather than an outage to wait out.
    fn from(error: mongodb::error::Error) -> Self {
        use mongodb::error::{ErrorKind, WriteFailure};
        match error.kind.as_ref() {
            ErrorKind::Write(WriteFailure::WriteError(_))
            | ErrorKind::InvalidArgument { .. }
            | ErrorKind::BsonSerialization(_)
            | ErrorKind::BsonDeserialization(_) => Self::Shape(error.to_string()),
            _ => Self::Store(error),
        }
    }
}

impl ProjectionError {
    pub fn shape(message: impl Into<String>) -> Self {
        Self::Shape(message.into())
    }

    pub fn is_retryable(&self) -> bool {
        matches!(self, Self::Store(_))
    }
}

/// Projects one change; tables no read model uses are skipped.
pub async fn project(database: &Database, change: &RowChange) -> Result<(), ProjectionError> {
    project_batch(database, std::slice::from_ref(change)).await
}

/// Projects a batch: every change is recorded first, then each affected document is
/// recomputed once, however many changes of the batch touch it (a catch-up or a flash sale
/// touches the same event document many times).
pub async fn project_batch(
    database: &Database,
    changes: &[RowChange],
) -> Result<(), ProjectionError> {
    let mut targets = BTreeSet::new();
    for change in changes
        .iter()
        .filter(|change| mirror::is_mirrored(&change.table))
    {
        let previous = if model::NEEDS_PREVIOUS_ROW.contains(&change.table.as_str()) {
            mirror::row(database, &change.table, &change.key).await?
        } else {
            None
        };
        mirror::record(database, change).await?;
        targets.extend(model::affected(database, change, previous.as_ref()).await?);
    }
    for target in &targets {
        model::recompute(database, target).await?;
    }
    Ok(())
}
