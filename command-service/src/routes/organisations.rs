//! Organisations and their members (organisers and staff).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use service_runtime::JsonBody;
use service_runtime::auth::Authenticated;
use service_runtime::params::{Path, Query};
use uuid::Uuid;

use crate::access::{self, Owned, Standing};
use crate::data::organisations::{self, Visibility};
pub use crate::data::organisations::{Member, MemberRole, Organisation};
use crate::error::ApiError;
use crate::routes::{Page, PageQuery};
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateOrganisation {
    pub name: String,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddMember {
    pub email: String,
    pub role: MemberRole,
    /// The member's identity-provider subject, when already known.
    pub user_subject: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OrganisationDetail {
    #[serde(flatten)]
    pub organisation: Organisation,
    pub members: Vec<Member>,
}

fn validated_name(name: &str) -> Result<String, ApiError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(ApiError::invalid(
            "/name",
            "a name of 1 to 200 characters is required",
        ));
    }
    Ok(name.to_owned())
}

fn validated_email(email: &str) -> Result<String, ApiError> {
    let email = email.trim().to_lowercase();
    let plausible = email.len() <= 254
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty() && domain.contains('.') && !domain.starts_with('.')
        });
    if !plausible {
        return Err(ApiError::invalid(
            "/email",
            "a valid email address is required",
        ));
    }
    Ok(email)
}

/// Creates an organisation; its creator becomes its first organiser.
#[utoipa::path(post, path = "/api/manage/organisations", tag = "organisations",
    request_body = CreateOrganisation,
    responses((status = 201, body = OrganisationDetail), (status = 403), (status = 422)),
    security(("bearer" = [])))]
pub async fn create_organisation(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
    JsonBody(request): JsonBody<CreateOrganisation>,
) -> Result<(StatusCode, Json<OrganisationDetail>), ApiError> {
    access::require_can_create_organisation(&principal)?;
    let name = validated_name(&request.name)?;
    let email = principal
        .email
        .as_deref()
        .map(validated_email)
        .transpose()?
        .unwrap_or_else(|| format!("{}@subject.invalid", principal.subject));
    let mut tx = state.pool.begin().await?;
    let organisation = organisations::insert(&mut *tx, Uuid::now_v7(), &name).await?;
    let member = organisations::insert_member(
        &mut *tx,
        organisation.organisation_id,
        &email,
        Some(&principal.subject),
        MemberRole::Organiser,
    )
    .await?;
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(OrganisationDetail {
            organisation,
            members: vec![member],
        }),
    ))
}

/// The organisations the caller belongs to.
#[utoipa::path(get, path = "/api/manage/organisations", tag = "organisations",
    params(PageQuery), responses((status = 200, body = Page<Organisation>)), security(("bearer" = [])))]
pub async fn list_organisations(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
    Query(page): Query<PageQuery>,
) -> Result<Json<Page<Organisation>>, ApiError> {
    let email = principal.email.as_deref().map(str::to_lowercase);
    let visibility = Visibility {
        everything: principal.is_admin() || principal.is_service(),
        subject: &principal.subject,
        email: email.as_deref(),
    };
    let items =
        organisations::list_visible(&state.pool, visibility, page.limit(), page.offset()).await?;
    let total = organisations::count_visible(&state.pool, visibility).await?;
    Ok(Json(Page::new(items, page, total)))
}

#[utoipa::path(get, path = "/api/manage/organisations/{id}", tag = "organisations",
    params(("id" = Uuid, Path)), responses((status = 200, body = OrganisationDetail), (status = 404)),
    security(("bearer" = [])))]
pub async fn get_organisation(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
    Path(id): Path<Uuid>,
) -> Result<Json<OrganisationDetail>, ApiError> {
    access::access(&state.pool, &principal, Owned::Organisation(id)).await?;
    let organisation = organisations::find(&state.pool, id).await?;
    let members = organisations::members(&state.pool, id).await?;
    Ok(Json(OrganisationDetail {
        organisation,
        members,
    }))
}

/// Adds an organiser or staff member; only organisers of the organisation may.
#[utoipa::path(post, path = "/api/manage/organisations/{id}/members", tag = "organisations",
    params(("id" = Uuid, Path)), request_body = AddMember,
    responses((status = 201, body = Member), (status = 403), (status = 404), (status = 409), (status = 422)),
    security(("bearer" = [])))]
pub async fn add_member(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
    Path(id): Path<Uuid>,
    JsonBody(request): JsonBody<AddMember>,
) -> Result<(StatusCode, Json<Member>), ApiError> {
    let access = access::access(&state.pool, &principal, Owned::Organisation(id)).await?;
    if access.standing == Standing::Staff {
        return Err(ApiError::Forbidden("only organisers can manage members"));
    }
    let email = validated_email(&request.email)?;
    let member = organisations::insert_member(
        &state.pool,
        id,
        &email,
        request.user_subject.as_deref(),
        request.role,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(member)))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangeMember {
    pub role: MemberRole,
}

/// An organisation always keeps one organiser: otherwise nobody could manage it again.
async fn ensure_another_organiser(
    tx: &mut sqlx::PgConnection,
    organisation: Uuid,
    email: &str,
) -> Result<(), ApiError> {
    let organisers = organisations::lock_organisers(&mut *tx, organisation).await?;
    if organisers.iter().all(|organiser| organiser == email) {
        return Err(ApiError::conflict(
            "last_organiser",
            "an organisation needs at least one organiser; add another first",
        ));
    }
    Ok(())
}

/// Changes a member's role; only organisers of the organisation may.
#[utoipa::path(patch, path = "/api/manage/organisations/{id}/members/{email}", tag = "organisations",
    params(("id" = Uuid, Path), ("email" = String, Path, description = "the member's email address")),
    request_body = ChangeMember,
    responses((status = 200, body = Member), (status = 403), (status = 404, description = "no such organisation or member"),
        (status = 409, description = "the last organiser cannot stop being one"), (status = 422)),
    security(("bearer" = [])))]
pub async fn change_member(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
    Path((id, email)): Path<(Uuid, String)>,
    JsonBody(request): JsonBody<ChangeMember>,
) -> Result<Json<Member>, ApiError> {
    let access = access::access(&state.pool, &principal, Owned::Organisation(id)).await?;
    if access.standing == Standing::Staff {
        return Err(ApiError::Forbidden("only organisers can manage members"));
    }
    let email = email.trim().to_lowercase();
    let mut tx = state.pool.begin().await?;
    if request.role == MemberRole::Staff {
        ensure_another_organiser(&mut tx, id, &email).await?;
    }
    let member = organisations::change_role(&mut *tx, id, &email, request.role)
        .await?
        .ok_or(ApiError::NotFound)?;
    tx.commit().await?;
    Ok(Json(member))
}

/// Removes a member; only organisers of the organisation may.
#[utoipa::path(delete, path = "/api/manage/organisations/{id}/members/{email}", tag = "organisations",
    params(("id" = Uuid, Path), ("email" = String, Path, description = "the member's email address")),
    responses((status = 204), (status = 403), (status = 404, description = "no such organisation or member"),
        (status = 409, description = "the last organiser cannot be removed")),
    security(("bearer" = [])))]
pub async fn remove_member(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
    Path((id, email)): Path<(Uuid, String)>,
) -> Result<StatusCode, ApiError> {
    let access = access::access(&state.pool, &principal, Owned::Organisation(id)).await?;
    if access.standing == Standing::Staff {
        return Err(ApiError::Forbidden("only organisers can manage members"));
    }
    let email = email.trim().to_lowercase();
    let mut tx = state.pool.begin().await?;
    ensure_another_organiser(&mut tx, id, &email).await?;
    if !organisations::remove_member(&mut *tx, id, &email).await? {
        return Err(ApiError::NotFound);
    }
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
