//! The life-cycle states of events, sessions, orders, payments, tickets and refunds, in one
//! place so every crate compares enums rather than strings.
//!
//! Each status has two spellings: its wire spelling (`as_str`, `Display`, `FromStr`, serde),
//! which is what the HTTP APIs and the read models show, and its column spelling
//! (`as_db_str`), which is what PostgreSQL stores and Debezium streams. They are the same
//! except for [`SessionStatus`], which the APIs have always shown upper case (`ON_SALE`) while
//! the database, like every other status column, stores lower case (`on_sale`).
//!
//! Which transitions are allowed is not decided here: that stays with the service that owns
//! the status (command-service for events and sessions, order-service for the rest).
//!
//! With the `sqlx` feature each status is a `sqlx::Type` for PostgreSQL: `event_status` and
//! `session_status` are PostgreSQL enums, the others `text` columns with a `check`. Decoding
//! also accepts the wire spelling, so a `status::text` written before the columns agreed on
//! lower case still reads.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A status string that names no state of its kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{value}` is not a {kind}")]
pub struct UnknownStatus {
    pub kind: &'static str,
    pub value: String,
}

/// Writes the enum, its two spellings, `Display`, `FromStr` and (behind `sqlx`) its
/// PostgreSQL encoding. The serde and OpenAPI attributes are given at each use so the derives
/// read as usual.
macro_rules! status {
    (
        $(#[$meta:meta])*
        $name:ident, kind = $kind:literal, pg_type = $pg_type:literal,
        { $($variant:ident = $wire:literal / $column:literal,)+ }
    ) => {
        $(#[$meta])*
        pub enum $name {
            $($variant,)+
        }

        impl $name {
            /// Every state, in life-cycle order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The wire spelling, as the APIs and read models show it.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $wire,)+
                }
            }

            /// The column spelling, as PostgreSQL stores it and Debezium streams it.
            pub const fn as_db_str(self) -> &'static str {
                match self {
                    $($name::$variant => $column,)+
                }
            }

            /// Reads a column value; the wire spelling is accepted too (see the module docs).
            pub fn from_db_str(value: &str) -> Result<Self, UnknownStatus> {
                Self::ALL
                    .iter()
                    .copied()
                    .find(|status| status.as_db_str() == value || status.as_str() == value)
                    .ok_or_else(|| UnknownStatus {
                        kind: $kind,
                        value: value.to_owned(),
                    })
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = UnknownStatus;

            /// Parses the wire spelling only.
            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Self::ALL
                    .iter()
                    .copied()
                    .find(|status| status.as_str() == value)
                    .ok_or_else(|| UnknownStatus {
                        kind: $kind,
                        value: value.to_owned(),
                    })
            }
        }

        #[cfg(feature = "sqlx")]
        impl sqlx::Type<sqlx::Postgres> for $name {
            fn type_info() -> sqlx::postgres::PgTypeInfo {
                match $pg_type {
                    "text" => <str as sqlx::Type<sqlx::Postgres>>::type_info(),
                    name => sqlx::postgres::PgTypeInfo::with_name(name),
                }
            }

            fn compatible(ty: &sqlx::postgres::PgTypeInfo) -> bool {
                *ty == <Self as sqlx::Type<sqlx::Postgres>>::type_info()
                    || <str as sqlx::Type<sqlx::Postgres>>::compatible(ty)
            }
        }

        #[cfg(feature = "sqlx")]
        impl sqlx::postgres::PgHasArrayType for $name {
            fn array_type_info() -> sqlx::postgres::PgTypeInfo {
                match $pg_type {
                    "text" => <&str as sqlx::postgres::PgHasArrayType>::array_type_info(),
                    _ => sqlx::postgres::PgTypeInfo::array_of($pg_type),
                }
            }
        }

        #[cfg(feature = "sqlx")]
        impl sqlx::Encode<'_, sqlx::Postgres> for $name {
            fn encode_by_ref(
                &self,
                buf: &mut sqlx::postgres::PgArgumentBuffer,
            ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
                <&str as sqlx::Encode<sqlx::Postgres>>::encode(self.as_db_str(), buf)
            }
        }

        #[cfg(feature = "sqlx")]
        impl sqlx::Decode<'_, sqlx::Postgres> for $name {
            fn decode(
                value: sqlx::postgres::PgValueRef<'_>,
            ) -> Result<Self, sqlx::error::BoxDynError> {
                let text = <&str as sqlx::Decode<sqlx::Postgres>>::decode(value)?;
                Ok(Self::from_db_str(text)?)
            }
        }
    };
}

status! {
    // No `///` here: utoipa would put it into command-service's published schema.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[serde(rename_all = "lowercase")]
    EventStatus, kind = "event status", pg_type = "event_status",
    {
        Draft = "draft" / "draft",
        Published = "published" / "published",
        Cancelled = "cancelled" / "cancelled",
        Completed = "completed" / "completed",
    }
}

status! {
    // Upper case on the wire, lower case in the column (see the module docs).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
    SessionStatus, kind = "session status", pg_type = "session_status",
    {
        Scheduled = "SCHEDULED" / "scheduled",
        OnSale = "ON_SALE" / "on_sale",
        Closed = "CLOSED" / "closed",
        Cancelled = "CANCELLED" / "cancelled",
        SoldOut = "SOLD_OUT" / "sold_out",
    }
}

status! {
    /// An order, from its hold to its tickets (or its end).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[serde(rename_all = "snake_case")]
    OrderStatus, kind = "order status", pg_type = "text",
    {
        Pending = "pending" / "pending",
        Paid = "paid" / "paid",
        Ticketed = "ticketed" / "ticketed",
        Expired = "expired" / "expired",
        Cancelled = "cancelled" / "cancelled",
        Refunded = "refunded" / "refunded",
    }
}

status! {
    /// One attempt to take (and perhaps give back) an order's money.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[serde(rename_all = "snake_case")]
    PaymentStatus, kind = "payment status", pg_type = "text",
    {
        Processing = "processing" / "processing",
        Failed = "failed" / "failed",
        Succeeded = "succeeded" / "succeeded",
        RefundPending = "refund_pending" / "refund_pending",
        Refunded = "refunded" / "refunded",
    }
}

status! {
    /// A ticket: `valid` admits, the others do not.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[serde(rename_all = "snake_case")]
    TicketStatus, kind = "ticket status", pg_type = "text",
    {
        Valid = "valid" / "valid",
        Refunded = "refunded" / "refunded",
        Void = "void" / "void",
    }
}

status! {
    /// Money owed back for some tickets of an order: `pending` until the payment provider has
    /// returned it.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[serde(rename_all = "snake_case")]
    RefundStatus, kind = "refund status", pg_type = "text",
    {
        Pending = "pending" / "pending",
        Refunded = "refunded" / "refunded",
    }
}

/// Serde for a session status *column* as Debezium streams it (`on_sale`): reads either
/// spelling, so change events written before the columns turned lower case still replay,
/// and writes the column spelling. Use with `#[serde(with = "session_status_column")]`.
pub mod session_status_column {
    use serde::de::Error as _;
    use serde::{Deserialize, Deserializer, Serializer};

    use super::SessionStatus;

    pub fn serialize<S: Serializer>(
        status: &SessionStatus,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(status.as_db_str())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<SessionStatus, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        SessionStatus::from_db_str(&text).map_err(D::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wire_spelling_round_trips_through_serde_display_and_from_str() {
        for status in SessionStatus::ALL {
            let json = serde_json::to_value(status).expect("serialises");
            assert_eq!(json, status.as_str());
            assert_eq!(status.to_string().parse::<SessionStatus>(), Ok(*status));
            assert_eq!(
                serde_json::from_value::<SessionStatus>(json).expect("deserialises"),
                *status
            );
        }
        for status in OrderStatus::ALL {
            assert_eq!(status.to_string().parse::<OrderStatus>(), Ok(*status));
        }
        for status in PaymentStatus::ALL {
            assert_eq!(status.to_string().parse::<PaymentStatus>(), Ok(*status));
        }
        for status in TicketStatus::ALL {
            assert_eq!(status.to_string().parse::<TicketStatus>(), Ok(*status));
        }
        for status in RefundStatus::ALL {
            assert_eq!(status.to_string().parse::<RefundStatus>(), Ok(*status));
        }
        for status in EventStatus::ALL {
            assert_eq!(status.to_string().parse::<EventStatus>(), Ok(*status));
        }
    }

    #[test]
    fn a_session_status_is_upper_case_on_the_wire_and_lower_case_in_the_column() {
        assert_eq!(serde_json::json!(SessionStatus::OnSale), "ON_SALE");
        assert_eq!(SessionStatus::OnSale.as_db_str(), "on_sale");
        assert_eq!(SessionStatus::SoldOut.to_string(), "SOLD_OUT");
        assert_eq!(
            SessionStatus::from_db_str("sold_out"),
            Ok(SessionStatus::SoldOut)
        );
        assert_eq!(
            SessionStatus::from_db_str("SOLD_OUT"),
            Ok(SessionStatus::SoldOut)
        );
    }

    #[test]
    fn the_wire_spelling_is_strict() {
        assert!("on_sale".parse::<SessionStatus>().is_err());
        assert!(serde_json::from_value::<SessionStatus>(serde_json::json!("on_sale")).is_err());
        assert_eq!(
            "PUBLISHED".parse::<EventStatus>(),
            Err(UnknownStatus {
                kind: "event status",
                value: "PUBLISHED".to_owned()
            })
        );
    }

    #[test]
    fn every_other_status_is_spelled_the_same_on_the_wire_and_in_the_column() {
        let same = |wire: &str, column: &str| assert_eq!(wire, column);
        EventStatus::ALL
            .iter()
            .for_each(|s| same(s.as_str(), s.as_db_str()));
        OrderStatus::ALL
            .iter()
            .for_each(|s| same(s.as_str(), s.as_db_str()));
        PaymentStatus::ALL
            .iter()
            .for_each(|s| same(s.as_str(), s.as_db_str()));
        TicketStatus::ALL
            .iter()
            .for_each(|s| same(s.as_str(), s.as_db_str()));
        RefundStatus::ALL
            .iter()
            .for_each(|s| same(s.as_str(), s.as_db_str()));
        for status in PaymentStatus::ALL {
            assert_eq!(serde_json::json!(status), status.as_str());
        }
    }

    #[test]
    fn a_session_status_column_reads_both_spellings_and_writes_lower_case() {
        #[derive(Debug, PartialEq, Serialize, Deserialize)]
        struct Row {
            #[serde(with = "session_status_column")]
            status: SessionStatus,
        }
        for spelling in ["on_sale", "ON_SALE"] {
            let row: Row =
                serde_json::from_value(serde_json::json!({ "status": spelling })).expect("reads");
            assert_eq!(row.status, SessionStatus::OnSale);
        }
        assert_eq!(
            serde_json::to_value(Row {
                status: SessionStatus::Closed
            })
            .expect("writes"),
            serde_json::json!({ "status": "closed" })
        );
        assert!(serde_json::from_value::<Row>(serde_json::json!({ "status": "open" })).is_err());
    }
}
