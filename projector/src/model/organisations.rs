//! `organisations`: each organisation with its members, for authorising organiser reads.

use std::collections::BTreeMap;

use mongodb::Database;
use shared_dto::read_model::{MemberView, OrganisationDocument, collection};
use shared_dto::rows::{OrganisationChangeRow, OrganisationMemberChangeRow};

use crate::error::ProjectionError;
use crate::model::documents::{remove, store};
use crate::model::rows::{row, rows_where};

pub async fn recompute(database: &Database, organisation_id: &str) -> Result<(), ProjectionError> {
    let Some(organisation) =
        row::<OrganisationChangeRow>(database, "organisation", organisation_id).await?
    else {
        return remove(database, collection::ORGANISATIONS, organisation_id).await;
    };
    let mut versions = BTreeMap::from([("organisation".to_owned(), organisation.version)]);
    let mut members = Vec::new();
    for member in rows_where::<OrganisationMemberChangeRow>(
        database,
        "organisation_member",
        "organisation_id",
        organisation_id,
    )
    .await?
    {
        versions.insert(format!("member:{}", member.email), member.version);
        members.push(MemberView {
            email: member.email,
            user_subject: member.user_subject,
            role: member.role,
        });
    }
    members.sort_by(|left, right| left.email.cmp(&right.email));
    let document = OrganisationDocument {
        organisation_id: organisation_id.to_owned(),
        name: organisation.name,
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
