//! Who may check tickets in: organisers and staff of the event's organisation (membership
//! lives in command-service's `organisation_member`), platform admins and service clients.

use service_runtime::auth::Principal;
use sqlx::PgPool;
use uuid::Uuid;

use crate::error::ApiError;

pub async fn may_check_in(
    pool: &PgPool,
    principal: &Principal,
    organisation_id: Uuid,
) -> Result<bool, ApiError> {
    if principal.is_admin() || principal.is_service() {
        return Ok(true);
    }
    // Members are invited by email; the subject is recorded once known.
    let email = principal.email.as_deref().map(str::to_lowercase);
    let member: bool = sqlx::query_scalar(
        "select exists(select 1 from organisation_member
                       where organisation_id = $1 and (user_subject = $2 or email = $3))",
    )
    .bind(organisation_id)
    .bind(&principal.subject)
    .bind(email)
    .fetch_one(pool)
    .await?;
    Ok(member)
}

/// Who may refund an event's orders: its organisation's organisers (not its staff), platform
/// admins and service clients.
pub async fn may_manage_sales(
    pool: &PgPool,
    principal: &Principal,
    organisation_id: Uuid,
) -> Result<bool, ApiError> {
    if principal.is_admin() || principal.is_service() {
        return Ok(true);
    }
    let email = principal.email.as_deref().map(str::to_lowercase);
    let organiser: bool = sqlx::query_scalar(
        "select exists(select 1 from organisation_member
                       where organisation_id = $1 and role = 'organiser'
                         and (user_subject = $2 or email = $3))",
    )
    .bind(organisation_id)
    .bind(&principal.subject)
    .bind(email)
    .fetch_one(pool)
    .await?;
    Ok(organiser)
}
