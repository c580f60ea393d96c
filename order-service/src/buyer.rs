//! Who is buying. A signed-in buyer is the subject of their access token; a guest is the
//! buyer id their client made up (kept in the browser for the visit). The two live in
//! different namespaces (`sub:` and `guest:`), so a guest id can never pass for a user.
//!
//! A guest id only scopes the per-buyer hold cap and who may order from a hold; anyone can
//! make a new one, which is why a flash sale that must enforce its cap strictly requires
//! sign-in at the edge.

use service_runtime::auth::Principal;

use crate::error::ApiError;

const SUBJECT_PREFIX: &str = "sub:";
const GUEST_PREFIX: &str = "guest:";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Buyer {
    Subject(String),
    Guest(String),
}

impl Buyer {
    /// The token's subject when signed in; otherwise the client's `buyer_id`.
    pub fn resolve(
        principal: Option<&Principal>,
        buyer_id: Option<&str>,
    ) -> Result<Self, ApiError> {
        if let Some(principal) = principal {
            return Ok(Self::Subject(principal.subject.clone()));
        }
        let Some(buyer_id) = buyer_id else {
            return Err(ApiError::invalid(
                "/buyer_id",
                "sign in, or send a buyer_id that identifies this browser",
            ));
        };
        let valid = (8..=64).contains(&buyer_id.len())
            && buyer_id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !valid {
            return Err(ApiError::invalid(
                "/buyer_id",
                "a buyer_id is 8 to 64 characters of A-Z, a-z, 0-9, `-` or `_`",
            ));
        }
        Ok(Self::Guest(buyer_id.to_owned()))
    }

    /// The form stored in holds and used in Redis keys.
    pub fn key(&self) -> String {
        match self {
            Self::Subject(subject) => format!("{SUBJECT_PREFIX}{subject}"),
            Self::Guest(id) => format!("{GUEST_PREFIX}{id}"),
        }
    }
}

/// Whether `caller` may act on a hold taken by `holder` (a [`Buyer::key`]): a signed-in
/// buyer's hold is theirs alone; a guest's hold belongs to whoever has its token.
pub fn may_use_hold(holder: &str, caller: Option<&Principal>) -> bool {
    match holder.strip_prefix(SUBJECT_PREFIX) {
        Some(subject) => caller.is_some_and(|caller| caller.subject == subject),
        None => true,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    fn principal(subject: &str) -> Principal {
        Principal {
            subject: subject.to_owned(),
            email: None,
            name: None,
            roles: BTreeSet::new(),
            client_id: None,
        }
    }

    #[test]
    fn a_signed_in_buyer_is_their_subject_whatever_they_send() {
        let buyer = Buyer::resolve(Some(&principal("u-1")), Some("guest-12345")).expect("buyer");
        assert_eq!(buyer.key(), "sub:u-1");
    }

    #[test]
    fn a_guest_needs_a_well_formed_buyer_id() {
        assert_eq!(
            Buyer::resolve(None, Some("browser-1234"))
                .map(|buyer| buyer.key())
                .ok(),
            Some("guest:browser-1234".to_owned())
        );
        for bad in [
            None,
            Some("short"),
            Some("has space 123"),
            Some(&*"x".repeat(65)),
        ] {
            assert!(Buyer::resolve(None, bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_users_hold_is_theirs_alone() {
        assert!(may_use_hold("sub:u-1", Some(&principal("u-1"))));
        assert!(!may_use_hold("sub:u-1", Some(&principal("u-2"))));
        assert!(!may_use_hold("sub:u-1", None));
        assert!(may_use_hold("guest:browser-1234", None));
        assert!(may_use_hold("guest:browser-1234", Some(&principal("u-2"))));
    }
}
