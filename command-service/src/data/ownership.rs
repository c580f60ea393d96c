//! Which organisation a resource belongs to, and what the caller is there.

use sqlx::PgExecutor;
use uuid::Uuid;

use crate::data::organisations::MemberRole;

/// Everything that belongs to exactly one organisation.
#[derive(Debug, Clone, Copy)]
pub enum Owned {
    Organisation(Uuid),
    Venue(Uuid),
    Event(Uuid),
    Tier(Uuid),
    Session(Uuid),
    Discount(Uuid),
    Template(Uuid),
}

/// The organisation `resource` belongs to; `None` when it does not exist.
pub async fn organisation_of(
    executor: impl PgExecutor<'_>,
    resource: Owned,
) -> Result<Option<Uuid>, sqlx::Error> {
    match resource {
        Owned::Organisation(id) => {
            sqlx::query_scalar!(
                "select organisation_id from organisation where organisation_id = $1",
                id
            )
            .fetch_optional(executor)
            .await
        }
        Owned::Venue(id) => {
            sqlx::query_scalar!("select organisation_id from venue where venue_id = $1", id)
                .fetch_optional(executor)
                .await
        }
        Owned::Event(id) => {
            sqlx::query_scalar!("select organisation_id from event where event_id = $1", id)
                .fetch_optional(executor)
                .await
        }
        Owned::Tier(id) => {
            sqlx::query_scalar!(
                "select e.organisation_id from tier t join event e using (event_id) where t.tier_id = $1",
                id
            )
            .fetch_optional(executor)
            .await
        }
        Owned::Session(id) => {
            sqlx::query_scalar!(
                "select e.organisation_id from session s join event e using (event_id) where s.session_id = $1",
                id
            )
            .fetch_optional(executor)
            .await
        }
        Owned::Discount(id) => {
            sqlx::query_scalar!(
                "select e.organisation_id from discount d join event e using (event_id) where d.discount_id = $1",
                id
            )
            .fetch_optional(executor)
            .await
        }
        Owned::Template(id) => {
            sqlx::query_scalar!(
                "select organisation_id from seat_map_template where seat_map_template_id = $1",
                id
            )
            .fetch_optional(executor)
            .await
        }
    }
}

/// The strongest role a person holds in the organisation, found by subject or (lower-case)
/// email; `None` when they are not a member.
pub async fn member_role(
    executor: impl PgExecutor<'_>,
    organisation_id: Uuid,
    subject: &str,
    email: Option<&str>,
) -> Result<Option<MemberRole>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"select role as "role: MemberRole" from organisation_member
         where organisation_id = $1 and (user_subject = $2 or email = $3)
         order by role limit 1"#,
        organisation_id,
        subject,
        email
    )
    .fetch_optional(executor)
    .await
}
