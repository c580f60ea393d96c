//! Projecting changes: count ticket changes into the sales tallies, record every change in its
//! row mirror, then recompute each read-model document they affect, once per batch.
//! Recomputing even when the mirror already had the change is what lets a projector killed
//! between the steps converge when the change is redelivered.

use std::collections::BTreeSet;

use mongodb::Database;

use crate::change::RowChange;
use crate::error::ProjectionError;
use crate::{mirror, model};

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
    let mirrored: Vec<RowChange> = changes
        .iter()
        .filter(|change| mirror::is_mirrored(&change.table))
        .cloned()
        .collect();
    // Tallies count a ticket change against the mirror's state before it, so they go first.
    model::tally::apply(database, &mirrored).await?;
    let mut targets = BTreeSet::new();
    for change in &mirrored {
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
