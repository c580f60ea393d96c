//! Organisations and their members.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, sqlx::Type, utoipa::ToSchema,
)]
#[sqlx(type_name = "member_role", rename_all = "lowercase")]
#[serde(rename_all = "lowercase")]
pub enum MemberRole {
    Organiser,
    Staff,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Member {
    pub email: String,
    pub user_subject: Option<String>,
    pub role: MemberRole,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Organisation {
    pub organisation_id: Uuid,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

/// Whose organisations a list shows: every one, or those where the person is a member.
#[derive(Debug, Clone, Copy)]
pub struct Visibility<'a> {
    pub everything: bool,
    pub subject: &'a str,
    /// Lower case.
    pub email: Option<&'a str>,
}

pub async fn insert(
    executor: impl PgExecutor<'_>,
    organisation_id: Uuid,
    name: &str,
) -> Result<Organisation, sqlx::Error> {
    sqlx::query_as!(
        Organisation,
        "insert into organisation (organisation_id, name) values ($1, $2)
         returning organisation_id, name, created_at, updated_at, version",
        organisation_id,
        name
    )
    .fetch_one(executor)
    .await
}

pub async fn find(
    executor: impl PgExecutor<'_>,
    organisation_id: Uuid,
) -> Result<Organisation, sqlx::Error> {
    sqlx::query_as!(
        Organisation,
        "select organisation_id, name, created_at, updated_at, version from organisation
         where organisation_id = $1",
        organisation_id
    )
    .fetch_one(executor)
    .await
}

/// One page of the visible organisations, by name.
pub async fn list_visible(
    executor: impl PgExecutor<'_>,
    visibility: Visibility<'_>,
    limit: i64,
    offset: i64,
) -> Result<Vec<Organisation>, sqlx::Error> {
    sqlx::query_as!(
        Organisation,
        "select organisation_id, name, created_at, updated_at, version from organisation o
         where $1 or exists (select 1 from organisation_member m where m.organisation_id = o.organisation_id
               and (m.user_subject = $2 or m.email = $3))
         order by name limit $4 offset $5",
        visibility.everything,
        visibility.subject,
        visibility.email,
        limit,
        offset
    )
    .fetch_all(executor)
    .await
}

pub async fn count_visible(
    executor: impl PgExecutor<'_>,
    visibility: Visibility<'_>,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        r#"select count(*) as "count!" from organisation o
         where $1 or exists (select 1 from organisation_member m where m.organisation_id = o.organisation_id
               and (m.user_subject = $2 or m.email = $3))"#,
        visibility.everything,
        visibility.subject,
        visibility.email
    )
    .fetch_one(executor)
    .await
}

pub async fn members(
    executor: impl PgExecutor<'_>,
    organisation_id: Uuid,
) -> Result<Vec<Member>, sqlx::Error> {
    sqlx::query_as!(
        Member,
        r#"select email, user_subject, role as "role: MemberRole", created_at from organisation_member
         where organisation_id = $1 order by role, email"#,
        organisation_id
    )
    .fetch_all(executor)
    .await
}

pub async fn insert_member(
    executor: impl PgExecutor<'_>,
    organisation_id: Uuid,
    email: &str,
    user_subject: Option<&str>,
    role: MemberRole,
) -> Result<Member, sqlx::Error> {
    sqlx::query_as!(
        Member,
        r#"insert into organisation_member (organisation_id, email, user_subject, role)
         values ($1, $2, $3, $4) returning email, user_subject, role as "role: MemberRole", created_at"#,
        organisation_id,
        email,
        user_subject,
        role as _
    )
    .fetch_one(executor)
    .await
}

/// The organisers' emails, their rows locked for the rest of the transaction so two
/// concurrent demotions see each other.
pub async fn lock_organisers(
    tx: &mut PgConnection,
    organisation_id: Uuid,
) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar!(
        "select email from organisation_member
         where organisation_id = $1 and role = $2 for update",
        organisation_id,
        MemberRole::Organiser as _
    )
    .fetch_all(tx)
    .await
}

/// The member with its new role; `None` when there is no such member.
pub async fn change_role(
    executor: impl PgExecutor<'_>,
    organisation_id: Uuid,
    email: &str,
    role: MemberRole,
) -> Result<Option<Member>, sqlx::Error> {
    sqlx::query_as!(
        Member,
        r#"update organisation_member set role = $3 where organisation_id = $1 and email = $2
         returning email, user_subject, role as "role: MemberRole", created_at"#,
        organisation_id,
        email,
        role as _
    )
    .fetch_optional(executor)
    .await
}

/// Whether there was such a member.
pub async fn remove_member(
    executor: impl PgExecutor<'_>,
    organisation_id: Uuid,
    email: &str,
) -> Result<bool, sqlx::Error> {
    let removed = sqlx::query!(
        "delete from organisation_member where organisation_id = $1 and email = $2",
        organisation_id,
        email
    )
    .execute(executor)
    .await?;
    Ok(removed.rows_affected() > 0)
}
