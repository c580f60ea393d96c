//! What is wrong with a layout: one located problem per [`LayoutError`], collected up to
//! [`MAX_REPORTED_ERRORS`].

use serde::{Deserialize, Serialize};

use super::MAX_REPORTED_ERRORS;

/// One problem with a layout, located by an RFC 6901 JSON pointer into the submitted
/// document (e.g. `/blocks/2/seats/17/row`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{pointer}: {message}")]
pub struct LayoutError {
    pub pointer: String,
    pub code: LayoutErrorCode,
    pub message: String,
}

impl LayoutError {
    pub(super) fn new(
        pointer: impl Into<String>,
        code: LayoutErrorCode,
        message: impl Into<String>,
    ) -> Self {
        LayoutError {
            pointer: pointer.into(),
            code,
            message: message.into(),
        }
    }
}

/// Stable machine-readable kinds of [`LayoutError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LayoutErrorCode {
    /// The body is not JSON, or has trailing data.
    InvalidJson,
    /// The body is larger than [`MAX_LAYOUT_BYTES`].
    TooLarge,
    UnknownField,
    MissingField,
    /// A value of the wrong JSON type, e.g. a string where a number belongs.
    InvalidType,
    /// A value of the right type that is not allowed, e.g. a negative row or a bad uuid.
    InvalidValue,
    InvalidId,
    DuplicateId,
    /// A required text is blank.
    Empty,
    InvalidName,
    InvalidLabel,
    DuplicateLabel,
    LabelCountMismatch,
    /// A coordinate, size, count or angle outside its range.
    InvalidNumber,
    OutOfGrid,
    DuplicatePosition,
    MissingTier,
    UnknownTier,
    TooManyBlocks,
    TooManySeats,
    TooManyStandingPlaces,
    TooManyErrors,
}

/// Collects problems up to the reporting limit.
#[derive(Default)]
pub(super) struct Problems {
    errors: Vec<LayoutError>,
    truncated: bool,
}

impl Problems {
    pub(super) fn report(
        &mut self,
        pointer: String,
        code: LayoutErrorCode,
        message: impl Into<String>,
    ) {
        self.push(LayoutError::new(pointer, code, message));
    }

    pub(super) fn push(&mut self, error: LayoutError) {
        if self.errors.len() < MAX_REPORTED_ERRORS {
            self.errors.push(error);
        } else {
            self.truncated = true;
        }
    }

    pub(super) fn finish(mut self) -> Result<(), Vec<LayoutError>> {
        if self.truncated {
            self.errors.push(LayoutError::new(
                "",
                LayoutErrorCode::TooManyErrors,
                format!("only the first {MAX_REPORTED_ERRORS} problems are reported"),
            ));
        }
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(self.errors)
        }
    }
}
