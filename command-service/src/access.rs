//! Who may see and change what. Organisation data is visible to its members only: to anyone
//! else it does not exist (404, so ids leak nothing). Staff read; organisers write; platform
//! admins and service clients act on every organisation.

use service_runtime::auth::{Principal, Role};
use sqlx::PgPool;
use uuid::Uuid;

use crate::data::organisations::MemberRole;
use crate::data::ownership;
pub use crate::data::ownership::Owned;
use crate::error::ApiError;

/// The caller's effective standing in one organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// A platform admin or a service client.
    Platform,
    Organiser,
    Staff,
}

#[derive(Debug, Clone, Copy)]
pub struct Access {
    pub organisation_id: Uuid,
    pub standing: Standing,
}

impl Access {
    /// Staff have read-only access.
    pub fn require_write(self) -> Result<Self, ApiError> {
        match self.standing {
            Standing::Staff => Err(ApiError::Forbidden("staff have read-only access")),
            Standing::Platform | Standing::Organiser => Ok(self),
        }
    }

    pub fn is_system(self) -> bool {
        self.standing == Standing::Platform
    }
}

fn is_platform(principal: &Principal) -> bool {
    principal.has_role(Role::Admin) || principal.has_role(Role::Service)
}

/// Resolves `resource` to its organisation and the caller's standing there; `NotFound` when
/// either the resource does not exist or the caller is not a member.
pub async fn access(
    pool: &PgPool,
    principal: &Principal,
    resource: Owned,
) -> Result<Access, ApiError> {
    let organisation_id = ownership::organisation_of(pool, resource)
        .await?
        .ok_or(ApiError::NotFound)?;
    let standing = standing_in(pool, principal, organisation_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Access {
        organisation_id,
        standing,
    })
}

async fn standing_in(
    pool: &PgPool,
    principal: &Principal,
    organisation_id: Uuid,
) -> Result<Option<Standing>, ApiError> {
    if is_platform(principal) {
        return Ok(Some(Standing::Platform));
    }
    let email = principal.email.as_deref().map(str::to_lowercase);
    let role =
        ownership::member_role(pool, organisation_id, &principal.subject, email.as_deref()).await?;
    Ok(role.map(|role| match role {
        MemberRole::Organiser => Standing::Organiser,
        MemberRole::Staff => Standing::Staff,
    }))
}

/// [`access`] for a change: staff (read-only) get 403.
pub async fn writable(
    pool: &PgPool,
    principal: &Principal,
    resource: Owned,
) -> Result<Access, ApiError> {
    access(pool, principal, resource).await?.require_write()
}

/// Only people holding the platform role `organiser` (or admins) may create organisations.
pub fn require_can_create_organisation(principal: &Principal) -> Result<(), ApiError> {
    if is_platform(principal) || principal.has_role(Role::Organiser) {
        Ok(())
    } else {
        Err(ApiError::Forbidden(
            "only organisers can create organisations",
        ))
    }
}
