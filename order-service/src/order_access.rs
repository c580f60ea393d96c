//! Guest orders have no account that proves who owns them, and order ids are time-ordered
//! (partly guessable), so each guest order carries a secret of its own: an access token
//! derived from the order id with a server key. It is returned whenever the order is shown to
//! someone entitled to it and required, in the `Order-Access-Token` header, for every later
//! read and change of a guest order.

use axum::http::HeaderMap;
use hmac::{Hmac, Mac};
use service_runtime::auth::Principal;
use sha2::Sha256;
use uuid::Uuid;

use crate::data::orders::OrderRow;

/// The request header that carries a guest order's access token.
pub const HEADER: &str = "order-access-token";

pub struct OrderAccess {
    key: [u8; 32],
}

impl OrderAccess {
    pub fn new(key: [u8; 32]) -> Self {
        Self { key }
    }

    fn mac(&self, order_id: Uuid) -> Hmac<Sha256> {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.key)
            .expect("HMAC accepts keys of any length");
        mac.update(order_id.as_bytes());
        mac
    }

    /// The guest order's access token (64 hex characters).
    pub fn token(&self, order_id: Uuid) -> String {
        hex::encode(self.mac(order_id).finalize().into_bytes())
    }

    /// Whether `presented` is the order's token, compared in constant time.
    pub fn verify(&self, order_id: Uuid, presented: &str) -> bool {
        let Ok(bytes) = hex::decode(presented.trim()) else {
            return false;
        };
        self.mac(order_id).verify_slice(&bytes).is_ok()
    }
}

/// Whether the caller may read, pay or cancel `order`: a signed-in buyer's order is theirs
/// (and the platform's); a guest's order belongs to whoever presents its access token (and the
/// platform).
pub fn may_act_on(
    access: &OrderAccess,
    order: &OrderRow,
    principal: Option<&Principal>,
    headers: &HeaderMap,
) -> bool {
    if principal.is_some_and(|caller| caller.is_admin() || caller.is_service()) {
        return true;
    }
    match &order.customer_subject {
        Some(subject) => principal.is_some_and(|caller| caller.subject == *subject),
        None => presented(headers).is_some_and(|token| access.verify(order.order_id, token)),
    }
}

/// The access token a request presents, if any.
pub fn presented(headers: &HeaderMap) -> Option<&str> {
    headers.get(HEADER)?.to_str().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_opens_its_own_order_only() {
        let access = OrderAccess::new([9; 32]);
        let (one, other) = (Uuid::new_v4(), Uuid::new_v4());
        let token = access.token(one);
        assert!(access.verify(one, &token));
        assert!(!access.verify(other, &token));
        assert!(!access.verify(one, &access.token(other)));
        assert!(!access.verify(one, "not hex"));
        assert!(!access.verify(one, ""));
        assert!(!OrderAccess::new([8; 32]).verify(one, &token));
    }
}
