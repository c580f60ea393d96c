//! The signed QR code of a ticket: what order-service puts in it, and how a gate checks it.
//!
//! order-service signs with Ed25519; anyone holding the public key
//! (`GET /api/sales/ticket-signing-key`) can verify a code offline, so a check-in device can
//! admit people while the network is down and sync its scans later.
//!
//! A code is base64url (no padding) of `payload || signature`:
//!
//! | bytes | field |
//! |---|---|
//! | 1 | format version, [`FORMAT_VERSION`] |
//! | 16 | ticket id |
//! | 16 | session id |
//! | 8 | issue time, seconds since the epoch, big-endian signed |
//! | 1 + n | seat id length, then its UTF-8 bytes (length 0 for a standing place) |
//! | 1 + n | holder name length, then its UTF-8 bytes (at most [`MAX_HOLDER_BYTES`]) |
//! | 64 | Ed25519 signature of [`SIGNING_CONTEXT`] followed by everything above |
//!
//! Binary rather than JSON keeps a typical code under 200 characters, which scans reliably
//! from a phone screen. Any change to any byte, or any character of the text, fails
//! [`verify`].

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use ed25519_dalek::{Signature, Signer as _};
use uuid::Uuid;

pub use ed25519_dalek::{SigningKey, VerifyingKey};

/// The payload layout this module writes and reads.
pub const FORMAT_VERSION: u8 = 1;
/// Prefixed to the payload before signing, so a signature made for a ticket can never be
/// passed off as one for anything else signed with the same key.
pub const SIGNING_CONTEXT: &[u8] = b"boxoffice-ticket-qr-v1";
/// Longest holder name carried in a code; longer names are cut at a character boundary.
pub const MAX_HOLDER_BYTES: usize = 64;
/// Longest seat id a code can carry.
pub const MAX_SEAT_ID_BYTES: usize = u8::MAX as usize;
/// Longest text [`verify`] looks at; anything longer cannot be a code of ours.
pub const MAX_CODE_CHARS: usize = 1024;

const SIGNATURE_LEN: usize = 64;
const FIXED_LEN: usize = 1 + 16 + 16 + 8;

/// What a ticket's code asserts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketClaims {
    pub ticket_id: Uuid,
    pub session_id: Uuid,
    /// `None` for a standing place.
    pub seat_id: Option<String>,
    pub holder_name: String,
    /// Whole seconds: the code does not carry sub-second precision.
    pub issued_at: DateTime<Utc>,
}

/// Why a code was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QrError {
    #[error("the code is not a Boxoffice ticket code")]
    Malformed,
    #[error("the code was written in a format this version does not read")]
    UnsupportedVersion,
    #[error("the code's signature does not verify: it was altered or not issued by Boxoffice")]
    BadSignature,
    #[error("a seat id of more than {MAX_SEAT_ID_BYTES} bytes cannot be put in a code")]
    SeatIdTooLong,
}

impl TicketClaims {
    /// The claims as a code will carry them: the issue time truncated to whole seconds and
    /// the holder name cut to [`MAX_HOLDER_BYTES`].
    pub fn new(
        ticket_id: Uuid,
        session_id: Uuid,
        seat_id: Option<String>,
        holder_name: &str,
        issued_at: DateTime<Utc>,
    ) -> Self {
        let issued_at =
            DateTime::from_timestamp(issued_at.timestamp(), 0).unwrap_or(DateTime::UNIX_EPOCH);
        Self {
            ticket_id,
            session_id,
            seat_id: seat_id.filter(|seat| !seat.is_empty()),
            holder_name: truncate_at_char(holder_name.trim(), MAX_HOLDER_BYTES).to_owned(),
            issued_at,
        }
    }
}

/// Writes and signs the code for `claims`.
pub fn sign(claims: &TicketClaims, key: &SigningKey) -> Result<String, QrError> {
    let seat = claims.seat_id.as_deref().unwrap_or("").as_bytes();
    let seat_len = u8::try_from(seat.len()).map_err(|_| QrError::SeatIdTooLong)?;
    let holder = truncate_at_char(&claims.holder_name, MAX_HOLDER_BYTES).as_bytes();
    // Fits: MAX_HOLDER_BYTES < 256.
    let holder_len = u8::try_from(holder.len()).unwrap_or(u8::MAX);

    let mut bytes = Vec::with_capacity(FIXED_LEN + 2 + seat.len() + holder.len() + SIGNATURE_LEN);
    bytes.push(FORMAT_VERSION);
    bytes.extend_from_slice(claims.ticket_id.as_bytes());
    bytes.extend_from_slice(claims.session_id.as_bytes());
    bytes.extend_from_slice(&claims.issued_at.timestamp().to_be_bytes());
    bytes.push(seat_len);
    bytes.extend_from_slice(seat);
    bytes.push(holder_len);
    bytes.extend_from_slice(holder);
    let signature = key.sign(&signed_message(&bytes));
    bytes.extend_from_slice(&signature.to_bytes());
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

/// Checks the signature of `code` against `key` and returns what it asserts.
pub fn verify(code: &str, key: &VerifyingKey) -> Result<TicketClaims, QrError> {
    let code = code.trim();
    if code.is_empty() || code.len() > MAX_CODE_CHARS {
        return Err(QrError::Malformed);
    }
    // The engine refuses non-canonical trailing bits, so no two texts decode to one code.
    let bytes = URL_SAFE_NO_PAD
        .decode(code)
        .map_err(|_| QrError::Malformed)?;
    if bytes.len() < FIXED_LEN + 2 + SIGNATURE_LEN {
        return Err(QrError::Malformed);
    }
    let (payload, signature) = bytes.split_at(bytes.len() - SIGNATURE_LEN);
    let signature = Signature::from_slice(signature).map_err(|_| QrError::Malformed)?;
    // The signature is checked before any field is trusted, and strictly, so a second valid
    // signature cannot be derived from a first.
    key.verify_strict(&signed_message(payload), &signature)
        .map_err(|_| QrError::BadSignature)?;
    parse_payload(payload)
}

/// The public key as base64url without padding (the JWK `x` value).
pub fn encode_public_key(key: &VerifyingKey) -> String {
    URL_SAFE_NO_PAD.encode(key.as_bytes())
}

/// Reads a key written by [`encode_public_key`].
pub fn decode_public_key(text: &str) -> Result<VerifyingKey, QrError> {
    let bytes = URL_SAFE_NO_PAD
        .decode(text.trim())
        .map_err(|_| QrError::Malformed)?;
    let bytes: [u8; 32] = bytes.try_into().map_err(|_| QrError::Malformed)?;
    VerifyingKey::from_bytes(&bytes).map_err(|_| QrError::Malformed)
}

fn signed_message(payload: &[u8]) -> Vec<u8> {
    let mut message = Vec::with_capacity(SIGNING_CONTEXT.len() + payload.len());
    message.extend_from_slice(SIGNING_CONTEXT);
    message.extend_from_slice(payload);
    message
}

fn parse_payload(payload: &[u8]) -> Result<TicketClaims, QrError> {
    let mut reader = Reader(payload);
    if reader.take(1)?[0] != FORMAT_VERSION {
        return Err(QrError::UnsupportedVersion);
    }
    let ticket_id = Uuid::from_slice(reader.take(16)?).map_err(|_| QrError::Malformed)?;
    let session_id = Uuid::from_slice(reader.take(16)?).map_err(|_| QrError::Malformed)?;
    let seconds = i64::from_be_bytes(reader.take(8)?.try_into().map_err(|_| QrError::Malformed)?);
    let issued_at = DateTime::from_timestamp(seconds, 0).ok_or(QrError::Malformed)?;
    let seat = reader.text()?;
    let holder_name = reader.text()?;
    if !reader.0.is_empty() {
        return Err(QrError::Malformed);
    }
    Ok(TicketClaims {
        ticket_id,
        session_id,
        seat_id: (!seat.is_empty()).then_some(seat),
        holder_name,
        issued_at,
    })
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], QrError> {
        if self.0.len() < n {
            return Err(QrError::Malformed);
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }

    fn text(&mut self) -> Result<String, QrError> {
        let len = usize::from(self.take(1)?[0]);
        let bytes = self.take(len)?;
        String::from_utf8(bytes.to_vec()).map_err(|_| QrError::Malformed)
    }
}

fn truncate_at_char(text: &str, max_bytes: usize) -> &str {
    if text.len() <= max_bytes {
        return text;
    }
    let mut end = max_bytes;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(seed: u8) -> SigningKey {
        SigningKey::from_bytes(&[seed; 32])
    }

    fn claims(seat: Option<&str>) -> TicketClaims {
        TicketClaims::new(
            Uuid::from_u128(0x0192_0000_0000_7000_8000_0000_0000_0001),
            Uuid::from_u128(0x0192_0000_0000_7000_8000_0000_0000_0002),
            seat.map(str::to_owned),
            "Ada Lovelace",
            DateTime::from_timestamp(1_790_000_000, 123_456_789).expect("valid time"),
        )
    }

    #[test]
    fn a_signed_code_verifies_and_round_trips_its_claims() {
        let key = key(7);
        for claims in [claims(Some("stalls-A-12")), claims(None)] {
            let code = sign(&claims, &key).expect("signs");
            assert_eq!(verify(&code, &key.verifying_key()), Ok(claims));
        }
    }

    #[test]
    fn a_code_is_compact() {
        let code = sign(&claims(Some("stalls-AA-120")), &key(7)).expect("signs");
        assert!(code.len() < 200, "{} characters", code.len());
        assert!(
            code.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
    }

    #[test]
    fn changing_any_byte_fails_verification() {
        let key = key(7);
        let code = sign(&claims(Some("stalls-A-12")), &key).expect("signs");
        let bytes = URL_SAFE_NO_PAD.decode(&code).expect("base64url");
        for index in 0..bytes.len() {
            for flip in [0x01u8, 0x80] {
                let mut altered = bytes.clone();
                altered[index] ^= flip;
                let altered = URL_SAFE_NO_PAD.encode(altered);
                assert!(
                    verify(&altered, &key.verifying_key()).is_err(),
                    "byte {index} ^ {flip:#x} still verifies"
                );
            }
        }
    }

    #[test]
    fn changing_any_character_fails_verification() {
        let key = key(7);
        let code = sign(&claims(None), &key).expect("signs");
        for index in 0..code.len() {
            let mut altered = code.clone().into_bytes();
            altered[index] = if altered[index] == b'A' { b'B' } else { b'A' };
            let altered = String::from_utf8(altered).expect("ascii");
            assert!(
                verify(&altered, &key.verifying_key()).is_err(),
                "character {index} changed still verifies"
            );
        }
    }

    #[test]
    fn a_code_signed_by_another_key_is_refused() {
        let code = sign(&claims(None), &key(1)).expect("signs");
        assert_eq!(
            verify(&code, &key(2).verifying_key()),
            Err(QrError::BadSignature)
        );
    }

    #[test]
    fn garbage_is_malformed() {
        let key = key(7).verifying_key();
        for text in ["", "hello", "!!!!", &"A".repeat(MAX_CODE_CHARS + 1)] {
            assert_eq!(verify(text, &key), Err(QrError::Malformed), "{text:?}");
        }
    }

    #[test]
    fn long_holder_names_are_cut_at_a_character_boundary() {
        let name = "é".repeat(40);
        let claims = TicketClaims::new(Uuid::nil(), Uuid::nil(), None, &name, Utc::now());
        assert!(claims.holder_name.len() <= MAX_HOLDER_BYTES);
        assert_eq!(claims.holder_name, "é".repeat(MAX_HOLDER_BYTES / 2));
    }

    #[test]
    fn public_keys_round_trip_as_text() {
        let key = key(9).verifying_key();
        assert_eq!(decode_public_key(&encode_public_key(&key)), Ok(key));
    }
}
