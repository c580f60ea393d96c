//! The error body every service answers with: `{"error": {"code", "message", "field"?, …}}`.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorDetail {
    /// Stable machine-readable code, e.g. `not_found`, `invalid_field`.
    pub code: String,
    /// Human-readable explanation; never carries internal details.
    pub message: String,
    /// The offending input, as a JSON pointer into the request body or a parameter name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Error-specific details, e.g. `missing` for an incomplete event, `unavailable` seats.
    #[serde(flatten, default, skip_serializing_if = "Map::is_empty")]
    pub details: Map<String, Value>,
}

impl ErrorBody {
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            error: ErrorDetail {
                code: code.into(),
                message: message.into(),
                field: None,
                details: Map::new(),
            },
        }
    }

    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        self.error.field = Some(field.into());
        self
    }

    pub fn with_detail(mut self, name: &str, value: impl Into<Value>) -> Self {
        self.error.details.insert(name.to_owned(), value.into());
        self
    }
}
