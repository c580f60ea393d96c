//! `organisations`: each organisation with its members, for authorising organiser reads.

use std::collections::BTreeMap;

use mongodb::Database;
use shared_dto::read_model::{MemberView, OrganisationDocument, collection};

use crate::mirror;
use crate::model::{integer, optional_text, remove, store, text};
use crate::projection::ProjectionError;

pub async fn recompute(database: &Database, organisation_id: &str) -> Result<(), ProjectionError> {
    let Some(organisation) = mirror::row(database, "organisation", organisation_id).await? else {
        remove(database, collection::ORGANISATIONS, organisation_id).await?;
        return Ok(());
    };
    let mut versions = BTreeMap::from([(
        "organisation".to_owned(),
        integer(&organisation, "version")?,
    )]);
    let mut members = Vec::new();
    for member in mirror::rows_where(
        database,
        "organisation_member",
        "organisation_id",
        organisation_id,
    )
    .await?
    {
        let email = text(&member, "email")?;
        versions.insert(format!("member:{email}"), integer(&member, "version")?);
        members.push(MemberView {
            email,
            user_subject: optional_text(&member, "user_subject"),
            role: text(&member, "role")?,
        });
    }
    members.sort_by(|left, right| left.email.cmp(&right.email));
    let document = OrganisationDocument {
        organisation_id: organisation_id.to_owned(),
        name: text(&organisation, "name")?,
        members,
        versions,
    };
    store(
        database,
        collection::ORGANISATIONS,
        organisation_id,
        &document,
    )
    .await
}
