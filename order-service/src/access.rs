//! Who may act on an event's sales: organisers and staff of the event's organisation check
//! tickets in, its organisers (not its staff) refund and remind; platform admins and service
//! clients may do both. Membership lives in command-service's `organisation_member`.

use service_runtime::auth::Principal;
use sqlx::PgPool;
use uuid::Uuid;

/// Organisers and staff of the organisation, admins and services.
pub async fn may_check_in(
    pool: &PgPool,
    principal: &Principal,
    organisation_id: Uuid,
) -> Result<bool, sqlx::Error> {
    member_or_platform(pool, principal, organisation_id, None).await
}

/// The organisation's organisers, admins and services.
pub async fn may_manage_sales(
    pool: &PgPool,
    principal: &Principal,
    organisation_id: Uuid,
) -> Result<bool, sqlx::Error> {
    member_or_platform(pool, principal, organisation_id, Some("organiser")).await
}

/// A platform admin or service, or a member of the organisation (with `role`, when given).
async fn member_or_platform(
    pool: &PgPool,
    principal: &Principal,
    organisation_id: Uuid,
    role: Option<&str>,
) -> Result<bool, sqlx::Error> {
    if principal.is_admin() || principal.is_service() {
        return Ok(true);
    }
    // Members are invited by email; the subject is recorded once known.
    let email = principal.email.as_deref().map(str::to_lowercase);
    let member = sqlx::query_scalar!(
        r#"select exists(select 1 from organisation_member
                         where organisation_id = $1 and (user_subject = $2 or email = $3)
                           and ($4::text is null or role::text = $4)) as "member!""#,
        organisation_id,
        principal.subject,
        email,
        role,
    )
    .fetch_one(pool)
    .await?;
    Ok(member)
}
