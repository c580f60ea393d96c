//! The Debezium change-event envelope, as produced with JSON converters and
//! `schemas.enable=false` (payload only).

use serde::{Deserialize, Serialize};

/// What happened to a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Op {
    /// A row read by the initial snapshot.
    #[serde(rename = "r")]
    Read,
    #[serde(rename = "c")]
    Create,
    #[serde(rename = "u")]
    Update,
    #[serde(rename = "d")]
    Delete,
    /// A `TRUNCATE` of the table (no row images).
    #[serde(rename = "t")]
    Truncate,
    /// A logical-decoding message.
    #[serde(rename = "m")]
    Message,
}

/// Where in the write-ahead log a change came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    /// The change's position in the WAL; it orders changes to the same row.
    pub lsn: Option<u64>,
    #[serde(rename = "txId")]
    pub tx_id: Option<i64>,
    pub db: String,
    pub schema: String,
    pub table: String,
    /// Commit time of the transaction in ms since the epoch.
    pub ts_ms: i64,
    /// `"true"`, `"last"`, `"first"`, … during the snapshot, `"false"` while streaming.
    #[serde(default)]
    pub snapshot: Option<String>,
}

/// One change to one row. `T` is the table's row type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Envelope<T> {
    pub before: Option<T>,
    pub after: Option<T>,
    pub op: Op,
    pub source: Source,
    /// When Debezium processed the change, in ms since the epoch.
    pub ts_ms: Option<i64>,
}

/// A record on a change topic: an envelope, or the tombstone that follows a delete so a
/// compacted topic can forget the key.
#[derive(Debug, Clone, PartialEq)]
pub enum ChangeRecord<T> {
    Change(Box<Envelope<T>>),
    Tombstone,
}

impl<T: serde::de::DeserializeOwned> ChangeRecord<T> {
    /// Decodes a record's value; `None` is a tombstone.
    pub fn decode(value: Option<&[u8]>) -> Result<Self, serde_json::Error> {
        match value {
            None => Ok(Self::Tombstone),
            Some(bytes) => {
                serde_json::from_slice(bytes).map(|envelope| Self::Change(Box::new(envelope)))
            }
        }
    }
}

impl<T> Envelope<T> {
    /// The row as it is now: `after`, or `before` for a delete.
    pub fn row(&self) -> Option<&T> {
        self.after.as_ref().or(self.before.as_ref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    #[test]
    fn decodes_an_update_envelope_with_lsn_and_both_images() {
        let raw = json!({
            "before": {"id": 1, "note": "a"},
            "after": {"id": 1, "note": "b"},
            "op": "u",
            "source": {"lsn": 26_843_232, "txId": 771, "db": "boxoffice", "schema": "public",
                       "table": "pipeline_probe", "ts_ms": 1_700_000_000_000_i64, "snapshot": "false",
                       "connector": "postgresql", "name": "boxoffice"},
            "ts_ms": 1_700_000_000_010_i64,
            "transaction": null
        });
        let bytes = serde_json::to_vec(&raw).expect("json encodes");
        let ChangeRecord::Change(envelope) =
            ChangeRecord::<Value>::decode(Some(&bytes)).expect("envelope decodes")
        else {
            panic!("expected a change, got a tombstone");
        };
        assert_eq!(envelope.op, Op::Update);
        assert_eq!(envelope.source.lsn, Some(26_843_232));
        assert_eq!(envelope.row(), Some(&json!({"id": 1, "note": "b"})));
    }

    #[test]
    fn a_null_value_is_a_tombstone() {
        assert_eq!(
            ChangeRecord::<Value>::decode(None).expect("tombstone decodes"),
            ChangeRecord::Tombstone
        );
    }
}
