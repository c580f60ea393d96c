//! Turning a Kafka record into a [`RowChange`]: which row of which table, at which WAL position,
//! and its new state.

use serde_json::{Map, Value};
use shared_dto::cdc::{Envelope, Op};

/// Why a record cannot be projected; such records go to the dead-letter topic.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    #[error("the key is not a JSON object: {0}")]
    Key(String),
    #[error("the value is not a Debezium envelope: {0}")]
    Envelope(#[from] serde_json::Error),
    #[error("a {op:?} change without a row image")]
    NoRow { op: Op },
    #[error("a change without source.lsn")]
    NoLsn,
}

/// One change to one row, as the projection needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct RowChange {
    pub table: String,
    /// The primary key's values joined by `|`, ordered by field name.
    pub key: String,
    /// WAL position: orders changes to the same row; a replay has the same one.
    pub lsn: u64,
    pub deleted: bool,
    /// The row after the change, or before it for a delete.
    pub row: Map<String, Value>,
    /// When the change was committed, ms since the epoch.
    pub committed_ms: i64,
    /// Where the broker delivered it; `None` for a change projected without a broker.
    pub position: Option<Position>,
}

/// A record's place in its topic: a redelivered record has the same one, while a record the
/// CDC runner published twice has two (and the same `lsn`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub partition: i32,
    pub offset: i64,
}

/// What a record turned out to be.
#[derive(Debug)]
pub enum Decoded {
    Change(RowChange),
    /// Tombstones, truncates and logical messages carry nothing to project.
    Nothing,
}

/// Decodes a change record; `key` and `value` are the raw Kafka key and value.
pub fn decode(key: Option<&[u8]>, value: Option<&[u8]>) -> Result<Decoded, DecodeError> {
    let Some(value) = value else {
        return Ok(Decoded::Nothing);
    };
    let envelope: Envelope<Map<String, Value>> = serde_json::from_slice(value)?;
    let deleted = match envelope.op {
        Op::Create | Op::Update | Op::Read => false,
        Op::Delete => true,
        Op::Truncate | Op::Message => return Ok(Decoded::Nothing),
    };
    let row = if deleted {
        envelope.before
    } else {
        envelope.after
    }
    .ok_or(DecodeError::NoRow { op: envelope.op })?;
    let key = match key {
        Some(bytes) => key_string(bytes)?,
        None => return Err(DecodeError::Key("missing".into())),
    };
    Ok(Decoded::Change(RowChange {
        table: envelope.source.table,
        key,
        lsn: envelope.source.lsn.ok_or(DecodeError::NoLsn)?,
        deleted,
        row,
        committed_ms: envelope.source.ts_ms,
        position: None,
    }))
}

fn key_string(bytes: &[u8]) -> Result<String, DecodeError> {
    let key: Value =
        serde_json::from_slice(bytes).map_err(|error| DecodeError::Key(error.to_string()))?;
    let Value::Object(fields) = key else {
        return Err(DecodeError::Key(
            String::from_utf8_lossy(bytes).into_owned(),
        ));
    };
    // Sorted by field name: serde_json's map order depends on crate features.
    let mut fields: Vec<(&String, &Value)> = fields.iter().collect();
    fields.sort_by(|left, right| left.0.cmp(right.0));
    let parts: Vec<String> = fields
        .into_iter()
        .map(|(_, value)| match value {
            Value::String(text) => text.clone(),
            other => other.to_string(),
        })
        .collect();
    Ok(parts.join("|"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn envelope(op: &str, before: Value, after: Value) -> Vec<u8> {
        serde_json::to_vec(&json!({
            "before": before, "after": after, "op": op, "ts_ms": 5,
            "source": {"lsn": 42, "txId": 7, "db": "boxoffice", "schema": "public", "table": "tier", "ts_ms": 4}
        }))
        .expect("json")
    }

    #[test]
    fn an_update_yields_the_after_image_at_its_lsn() {
        let key = br#"{"tier_id":"t1"}"#;
        let value = envelope(
            "u",
            json!({"tier_id": "t1", "name": "A"}),
            json!({"tier_id": "t1", "name": "B"}),
        );
        let Decoded::Change(change) = decode(Some(key), Some(&value)).expect("decodes") else {
            panic!("expected a change");
        };
        assert_eq!(change.table, "tier");
        assert_eq!(change.key, "t1");
        assert_eq!(change.lsn, 42);
        assert!(!change.deleted);
        assert_eq!(change.row["name"], "B");
    }

    #[test]
    fn a_delete_yields_the_before_image() {
        let value = envelope("d", json!({"tier_id": "t1", "name": "A"}), Value::Null);
        let Decoded::Change(change) =
            decode(Some(br#"{"tier_id":"t1"}"#), Some(&value)).expect("decodes")
        else {
            panic!("expected a change");
        };
        assert!(change.deleted);
        assert_eq!(change.row["name"], "A");
    }

    #[test]
    fn composite_keys_join_their_values() {
        let value = envelope(
            "c",
            Value::Null,
            json!({"organisation_id": "o1", "email": "a@b.c"}),
        );
        let key = br#"{"organisation_id":"o1","email":"a@b.c"}"#;
        let Decoded::Change(change) = decode(Some(key), Some(&value)).expect("decodes") else {
            panic!("expected a change");
        };
        assert_eq!(change.key, "a@b.c|o1", "fields in a stable order");
    }

    #[test]
    fn tombstones_carry_nothing_and_garbage_is_an_error() {
        assert!(matches!(decode(Some(b"{}"), None), Ok(Decoded::Nothing)));
        assert!(decode(Some(b"{}"), Some(b"not json")).is_err());
        let no_row = envelope("c", Value::Null, Value::Null);
        assert!(matches!(
            decode(Some(b"{}"), Some(&no_row)),
            Err(DecodeError::NoRow { .. })
        ));
    }
}
