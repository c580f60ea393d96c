//! The Ed25519 key that signs ticket QR codes (format in `shared_dto::ticket_qr`).

use std::path::Path;

use rand::rngs::OsRng;
use sha2::{Digest, Sha256};
use shared_dto::ticket_qr::{self, SigningKey, TicketClaims, VerifyingKey};

use crate::data::tickets::StoredTicket;

#[derive(Debug, thiserror::Error)]
pub enum SigningKeyError {
    #[error("cannot read the ticket signing key file {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("the ticket signing key file {0} must hold 64 hex characters (a 32-byte seed)")]
    Format(String),
}

pub struct TicketSigner {
    key: SigningKey,
    key_id: String,
}

impl TicketSigner {
    /// The key in `file`, or a fresh one when no file is configured.
    pub fn load(file: Option<&Path>) -> Result<Self, SigningKeyError> {
        let key = match file {
            Some(path) => {
                let text =
                    std::fs::read_to_string(path).map_err(|source| SigningKeyError::Read {
                        path: path.display().to_string(),
                        source,
                    })?;
                let seed: [u8; 32] = hex::decode(text.trim())
                    .ok()
                    .and_then(|bytes| bytes.try_into().ok())
                    .ok_or_else(|| SigningKeyError::Format(path.display().to_string()))?;
                SigningKey::from_bytes(&seed)
            }
            None => {
                tracing::warn!(
                    "no ticket signing key file configured: using a key that lasts until \
                     restart, so tickets issued now stop verifying after one"
                );
                SigningKey::generate(&mut OsRng)
            }
        };
        Ok(Self::new(key))
    }

    pub fn new(key: SigningKey) -> Self {
        let digest = Sha256::digest(key.verifying_key().as_bytes());
        Self {
            key_id: hex::encode(&digest[..8]),
            key,
        }
    }

    pub fn verifying_key(&self) -> VerifyingKey {
        self.key.verifying_key()
    }

    /// A secret for another `purpose`, derived from the signing key so the service keeps one
    /// key file; it changes when the signing key is rotated.
    pub fn derive_secret(&self, purpose: &str) -> [u8; 32] {
        let mut digest = Sha256::new();
        digest.update(purpose.as_bytes());
        digest.update(self.key.to_bytes());
        digest.finalize().into()
    }

    /// A short fingerprint of the public key, so devices can tell a rotated key.
    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// The QR code of a ticket.
    pub fn code(&self, ticket: &StoredTicket) -> Option<String> {
        let claims = TicketClaims::new(
            ticket.ticket_id,
            ticket.session_id,
            ticket.seat_id.clone(),
            &ticket.holder_name,
            ticket.issued_at,
        );
        match ticket_qr::sign(&claims, &self.key) {
            Ok(code) => Some(code),
            Err(error) => {
                tracing::error!(ticket_id = %ticket.ticket_id, %error, "cannot sign a ticket code");
                None
            }
        }
    }
}
