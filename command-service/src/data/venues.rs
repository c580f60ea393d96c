//! Venues.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Venue {
    pub venue_id: Uuid,
    pub organisation_id: Uuid,
    pub name: String,
    pub address_line: String,
    pub city: String,
    pub postcode: Option<String>,
    pub country: String,
    pub latitude: f64,
    pub longitude: f64,
    pub timezone: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

/// A venue's editable fields, already validated.
#[derive(Debug)]
pub struct VenueFields {
    pub name: String,
    pub address_line: String,
    pub city: String,
    pub postcode: Option<String>,
    pub country: String,
    pub latitude: f64,
    pub longitude: f64,
    pub timezone: String,
}

/// `query_as!` for a [`Venue`]: `$head`, every column of `venue`, then `$tail` and the
/// query's arguments.
macro_rules! venue_query {
    ($head:tt, $tail:tt $(, $arg:expr)* $(,)?) => {
        sqlx::query_as!(
            Venue,
            $head
                + " venue_id, organisation_id, name, address_line, city, postcode, country,
                    latitude, longitude, timezone, created_at, updated_at, version "
                + $tail
            $(, $arg)*
        )
    };
}

pub async fn insert(
    executor: impl PgExecutor<'_>,
    venue_id: Uuid,
    organisation_id: Uuid,
    fields: &VenueFields,
) -> Result<Venue, sqlx::Error> {
    venue_query!(
        "insert into venue (venue_id, organisation_id, name, address_line, city, postcode, country,
                            latitude, longitude, timezone)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning",
        "",
        venue_id,
        organisation_id,
        fields.name,
        fields.address_line,
        fields.city,
        fields.postcode,
        fields.country,
        fields.latitude,
        fields.longitude,
        fields.timezone,
    )
    .fetch_one(executor)
    .await
}

pub async fn find(executor: impl PgExecutor<'_>, venue_id: Uuid) -> Result<Venue, sqlx::Error> {
    venue_query!("select", "from venue where venue_id = $1", venue_id)
        .fetch_one(executor)
        .await
}

/// The venue, its row locked for the rest of the transaction.
pub async fn lock(tx: &mut PgConnection, venue_id: Uuid) -> Result<Venue, sqlx::Error> {
    venue_query!(
        "select",
        "from venue where venue_id = $1 for update",
        venue_id
    )
    .fetch_one(tx)
    .await
}

pub async fn update(
    executor: impl PgExecutor<'_>,
    venue_id: Uuid,
    fields: &VenueFields,
) -> Result<Venue, sqlx::Error> {
    venue_query!(
        "update venue set name = $2, address_line = $3, city = $4, postcode = $5, country = $6,
                latitude = $7, longitude = $8, timezone = $9
         where venue_id = $1 returning",
        "",
        venue_id,
        fields.name,
        fields.address_line,
        fields.city,
        fields.postcode,
        fields.country,
        fields.latitude,
        fields.longitude,
        fields.timezone,
    )
    .fetch_one(executor)
    .await
}

/// Whether the venue exists and belongs to the organisation.
pub async fn belongs_to(
    executor: impl PgExecutor<'_>,
    venue_id: Uuid,
    organisation_id: Uuid,
) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        r#"select exists(select 1 from venue where venue_id = $1 and organisation_id = $2) as "exists!""#,
        venue_id,
        organisation_id
    )
    .fetch_one(executor)
    .await
}
