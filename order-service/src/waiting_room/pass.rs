//! Admission passes: what an admitted buyer shows with a hold while the waiting room is
//! active. A pass is `v1.<expiry ms>.<HMAC-SHA256 hex>` over the session, the buyer and the
//! expiry with a key derived from the ticket-signing key, so every replica that shares that key
//! checks it without a look-up, and a pass is the same string on every reload.

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use uuid::Uuid;

const VERSION: &str = "v1";

/// Signs and checks admission passes.
pub struct PassSigner {
    key: [u8; 32],
}

/// Why a pass does not admit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PassRefused {
    #[error("the admission pass is not one this service issued for you and this session")]
    Invalid,
    #[error("the admission pass has expired")]
    Expired,
}

impl PassSigner {
    pub fn new(key: [u8; 32]) -> Self {
        Self { key }
    }

    fn mac(&self, session_id: Uuid, buyer: &str, expires_at_ms: i64) -> Hmac<Sha256> {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.key)
            .expect("HMAC accepts keys of any length");
        mac.update(VERSION.as_bytes());
        mac.update(session_id.as_bytes());
        mac.update(&expires_at_ms.to_be_bytes());
        // Last, so no buyer key can be made to collide with another field.
        mac.update(buyer.as_bytes());
        mac
    }

    /// The pass of `buyer` (a buyer key) for `session_id`, valid until `expires_at`.
    pub fn issue(&self, session_id: Uuid, buyer: &str, expires_at: DateTime<Utc>) -> String {
        let expires_at_ms = expires_at.timestamp_millis();
        let mac = self.mac(session_id, buyer, expires_at_ms).finalize();
        format!(
            "{VERSION}.{expires_at_ms}.{}",
            hex::encode(mac.into_bytes())
        )
    }

    /// Whether `pass` admits `buyer` to `session_id` at `now` (MAC compared in constant time).
    pub fn check(
        &self,
        pass: &str,
        session_id: Uuid,
        buyer: &str,
        now: DateTime<Utc>,
    ) -> Result<(), PassRefused> {
        let mut parts = pass.trim().split('.');
        let (Some(VERSION), Some(expiry), Some(mac), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(PassRefused::Invalid);
        };
        let expires_at_ms: i64 = expiry.parse().map_err(|_| PassRefused::Invalid)?;
        let mac = hex::decode(mac).map_err(|_| PassRefused::Invalid)?;
        self.mac(session_id, buyer, expires_at_ms)
            .verify_slice(&mac)
            .map_err(|_| PassRefused::Invalid)?;
        if now.timestamp_millis() >= expires_at_ms {
            return Err(PassRefused::Expired);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;

    #[test]
    fn a_pass_admits_its_buyer_to_its_session_until_it_expires() {
        let signer = PassSigner::new([7; 32]);
        let (session, other_session) = (Uuid::new_v4(), Uuid::new_v4());
        let now = Utc::now();
        let pass = signer.issue(session, "guest:browser-1", now + Duration::minutes(5));
        assert_eq!(signer.check(&pass, session, "guest:browser-1", now), Ok(()));
        assert_eq!(
            pass,
            signer.issue(session, "guest:browser-1", now + Duration::minutes(5)),
            "the same pass on every reload"
        );
        let refused = |pass: &str, session, buyer| signer.check(pass, session, buyer, now);
        assert_eq!(
            refused(&pass, session, "guest:browser-2"),
            Err(PassRefused::Invalid)
        );
        assert_eq!(
            refused(&pass, other_session, "guest:browser-1"),
            Err(PassRefused::Invalid)
        );
        assert_eq!(
            signer.check(
                &pass,
                session,
                "guest:browser-1",
                now + Duration::minutes(6)
            ),
            Err(PassRefused::Expired)
        );
        let later = pass.replacen(
            &(now + Duration::minutes(5)).timestamp_millis().to_string(),
            &(now + Duration::hours(5)).timestamp_millis().to_string(),
            1,
        );
        assert_eq!(
            refused(&later, session, "guest:browser-1"),
            Err(PassRefused::Invalid)
        );
        for forged in ["", "v1", "v1.1.zz", "v2.1.00", &format!("{pass}.x")] {
            assert_eq!(
                refused(forged, session, "guest:browser-1"),
                Err(PassRefused::Invalid)
            );
        }
        assert_eq!(
            PassSigner::new([8; 32]).check(&pass, session, "guest:browser-1", now),
            Err(PassRefused::Invalid)
        );
    }
}
