//! Bearer-token authentication against the OIDC provider (discovery + JWKS).
//!
//! Services only rely on standard OIDC: the discovery document names the issuer and the key
//! set, access tokens are JWTs signed with one of those keys, and roles sit at a configurable
//! claim path. Nothing is fetched until the first token arrives (or the readiness probe runs),
//! so a service starts while the provider is down and recovers once it is back.

use std::collections::BTreeSet;
use std::error::Error as StdError;
use std::fmt;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use axum::Json;
use axum::extract::{FromRef, FromRequestParts};
use axum::http::header::{AUTHORIZATION, WWW_AUTHENTICATE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use futures::future::BoxFuture;
use jsonwebtoken::jwk::{
    AlgorithmParameters, EllipticCurve, Jwk, JwkSet, KeyAlgorithm, KeyOperations, PublicKeyUse,
};
use jsonwebtoken::{Algorithm, DecodingKey, Header, Validation};
use openidconnect::core::{CoreJsonWebKey, CoreJsonWebKeySet, CoreProviderMetadata};
use openidconnect::{IssuerUrl, JsonWebKeySetUrl};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use shared_dto::error::ErrorBody;
use tokio::sync::{Mutex, RwLock};

use crate::engine::OidcArgs;
use crate::probe::{Probe, ProbeError};

/// Tolerated clock skew between this host and the provider.
const LEEWAY_SECONDS: u64 = 30;
/// Minimum time between two key-set fetches, so tokens with forged `kid`s cannot make every
/// request reach the provider.
const MIN_REFRESH_INTERVAL: Duration = Duration::from_secs(30);
/// Keys older than this are re-read on the next request, so a key the provider withdraws
/// stops being trusted without a restart.
const KEYS_MAX_AGE: Duration = Duration::from_secs(15 * 60);
/// After a failed discovery, requests fail fast for this long instead of queueing behind
/// another attempt.
const DISCOVERY_RETRY_AFTER: Duration = Duration::from_secs(2);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
const REQUEST_TIMEOUT: Duration = Duration::from_secs(5);
/// Far above any real access token; bounds the work an oversized header can cause.
const MAX_TOKEN_BYTES: usize = 16 * 1024;

/// What a caller may do in Boxoffice, as carried in the token's roles claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Admin,
    Organiser,
    Staff,
    Attendee,
    Service,
}

impl Role {
    /// The role named `name` in a token, if Boxoffice knows it.
    pub fn from_claim(name: &str) -> Option<Self> {
        match name {
            "admin" => Some(Self::Admin),
            "organiser" => Some(Self::Organiser),
            "staff" => Some(Self::Staff),
            "attendee" => Some(Self::Attendee),
            "service" => Some(Self::Service),
            _ => None,
        }
    }
}

/// The verified caller behind an access token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Principal {
    /// The provider's stable id for the user (or the client, for service tokens).
    pub subject: String,
    pub email: Option<String>,
    pub name: Option<String>,
    pub roles: BTreeSet<Role>,
    /// The OAuth client the token was issued to.
    pub client_id: Option<String>,
}

impl Principal {
    pub fn has_role(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    pub fn is_admin(&self) -> bool {
        self.has_role(Role::Admin)
    }

    /// A Boxoffice service calling another with client credentials.
    pub fn is_service(&self) -> bool {
        self.has_role(Role::Service)
    }
}

/// Why a request is not authenticated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    #[error("no bearer token in the request")]
    MissingToken,
    #[error("not a well-formed JWT access token")]
    Malformed,
    #[error("the token has expired")]
    Expired,
    #[error("the token is not valid yet")]
    NotYetValid,
    #[error("the signature does not verify with the provider's key")]
    InvalidSignature,
    #[error("the token comes from another issuer")]
    WrongIssuer,
    #[error("the token is not meant for this audience")]
    WrongAudience,
    #[error("the token names a signing key the provider does not publish")]
    UnknownKey,
    #[error("the identity provider is unavailable: {0}")]
    ProviderUnavailable(String),
}

impl AuthError {
    /// What the caller is told: enough to act on, nothing about our internals.
    fn public_message(&self) -> &'static str {
        match self {
            Self::MissingToken => "this request needs a bearer access token",
            Self::Expired => "the access token has expired",
            Self::NotYetValid => "the access token is not valid yet",
            Self::WrongAudience => "the access token was not issued for this API",
            Self::Malformed | Self::InvalidSignature | Self::WrongIssuer | Self::UnknownKey => {
                "the access token is not valid"
            }
            Self::ProviderUnavailable(_) => {
                "the identity provider cannot be reached; try again shortly"
            }
        }
    }
}

impl IntoResponse for AuthError {
    fn into_response(self) -> Response {
        let message = self.public_message();
        match self {
            Self::ProviderUnavailable(_) => (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(ErrorBody::new("identity_provider_unavailable", message)),
            )
                .into_response(),
            // RFC 6750 §3.1: a request without credentials gets a challenge without an error code.
            Self::MissingToken => (
                StatusCode::UNAUTHORIZED,
                [(WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"))],
                Json(ErrorBody::new("unauthorized", message)),
            )
                .into_response(),
            _ => {
                let challenge =
                    format!("Bearer error=\"invalid_token\", error_description=\"{message}\"");
                let challenge = HeaderValue::from_str(&challenge)
                    .unwrap_or_else(|_| HeaderValue::from_static("Bearer error=\"invalid_token\""));
                (
                    StatusCode::UNAUTHORIZED,
                    [(WWW_AUTHENTICATE, challenge)],
                    Json(ErrorBody::new("unauthorized", message)),
                )
                    .into_response()
            }
        }
    }
}

/// OIDC settings that cannot work whatever the provider does.
#[derive(Debug, thiserror::Error)]
pub enum OidcSettingsError {
    #[error("invalid OIDC issuer URL: {0}")]
    Issuer(#[from] openidconnect::url::ParseError),
    #[error("invalid OIDC roles claim path {0:?}: expected dot-separated names")]
    RolesClaim(String),
    #[error("cannot build the HTTP client for the OIDC provider: {0}")]
    HttpClient(#[from] reqwest::Error),
}

/// Verifies access tokens. Cheap to clone; clones share the cached discovery and keys.
#[derive(Clone)]
pub struct Authenticator(Arc<Inner>);

struct Inner {
    audience: String,
    roles_claim: Vec<String>,
    /// `None` when keys were given up front (tests, offline tools): nothing is ever fetched.
    remote: Option<Remote>,
    provider: OnceLock<Provider>,
    keys: RwLock<KeySet>,
    /// Held across the fetch on purpose: concurrent requests needing the same fetch wait for
    /// one round trip instead of each making their own.
    fetch: Mutex<FetchState>,
}

struct Remote {
    issuer_url: IssuerUrl,
    http: reqwest::Client,
}

/// What discovery established; fixed for the life of the process.
struct Provider {
    issuer: String,
    jwks_uri: Option<JsonWebKeySetUrl>,
}

struct KeySet {
    keys: Vec<Arc<VerificationKey>>,
    fetched_at: Instant,
}

#[derive(Default)]
struct FetchState {
    last_refresh: Option<Instant>,
    discovery_failure: Option<(Instant, String)>,
}

/// One provider key, with the single algorithm it may verify.
struct VerificationKey {
    kid: Option<String>,
    algorithm: Algorithm,
    key: DecodingKey,
}

impl fmt::Debug for Authenticator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Authenticator")
            .field(
                "issuer",
                &self
                    .0
                    .remote
                    .as_ref()
                    .map(|remote| remote.issuer_url.as_str()),
            )
            .field("audience", &self.0.audience)
            .field("roles_claim", &self.0.roles_claim.join("."))
            .finish_non_exhaustive()
    }
}

impl Authenticator {
    /// Reads the settings only; discovery and keys are fetched on first use.
    pub fn new(args: &OidcArgs) -> Result<Self, OidcSettingsError> {
        let issuer_url = IssuerUrl::new(args.oidc_issuer.clone())?;
        let roles_claim = parse_claim_path(&args.oidc_roles_claim)
            .ok_or_else(|| OidcSettingsError::RolesClaim(args.oidc_roles_claim.clone()))?;
        let http = reqwest::Client::builder()
            // Following redirects from the provider would let it point us anywhere.
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(REQUEST_TIMEOUT)
            .build()?;
        Ok(Self(Arc::new(Inner {
            audience: args.oidc_audience.clone(),
            roles_claim,
            remote: Some(Remote { issuer_url, http }),
            provider: OnceLock::new(),
            keys: RwLock::new(KeySet::new(Vec::new())),
            fetch: Mutex::new(FetchState::default()),
        })))
    }

    /// An authenticator that trusts exactly `keys` for tokens from `issuer`, without any
    /// provider to ask. Keys it cannot use for RS256/ES256 verification are ignored.
    pub fn with_static_keys(
        issuer: impl Into<String>,
        audience: impl Into<String>,
        roles_claim: &str,
        keys: JwkSet,
    ) -> Self {
        let provider = OnceLock::new();
        let _ = provider.set(Provider {
            issuer: issuer.into(),
            jwks_uri: None,
        });
        Self(Arc::new(Inner {
            audience: audience.into(),
            roles_claim: parse_claim_path(roles_claim).unwrap_or_default(),
            remote: None,
            provider,
            keys: RwLock::new(KeySet::new(
                keys.keys.iter().filter_map(verification_key).collect(),
            )),
            fetch: Mutex::new(FetchState::default()),
        }))
    }

    /// A readiness probe named `oidc`: discovery and the key set must both be reachable.
    pub fn probe(&self) -> OidcProbe {
        OidcProbe(self.clone())
    }

    /// Verifies `token` (the bare JWT, without `Bearer `) and says who it belongs to.
    pub async fn authenticate(&self, token: &str) -> Result<Principal, AuthError> {
        let header = inspect_header(token)?;
        let provider = self.provider().await?;
        let key = self.key_for(&header).await?;

        let mut validation = Validation::new(key.algorithm);
        validation.leeway = LEEWAY_SECONDS;
        validation.validate_nbf = true;
        validation.set_issuer(&[&provider.issuer]);
        validation.set_audience(&[&self.0.audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);

        let claims = jsonwebtoken::decode::<Value>(token, &key.key, &validation)
            .map_err(|error| refuse(classify(&error), &error))?
            .claims;
        principal(&claims, &self.0.roles_claim)
    }

    /// The discovery result, fetching it (once, for all concurrent callers) if needed.
    async fn provider(&self) -> Result<&Provider, AuthError> {
        if let Some(provider) = self.0.provider.get() {
            return Ok(provider);
        }
        let Some(remote) = &self.0.remote else {
            return Err(AuthError::ProviderUnavailable(
                "no provider configured".into(),
            ));
        };
        let mut state = self.0.fetch.lock().await;
        if let Some(provider) = self.0.provider.get() {
            return Ok(provider);
        }
        if let Some((at, reason)) = &state.discovery_failure
            && at.elapsed() < DISCOVERY_RETRY_AFTER
        {
            return Err(AuthError::ProviderUnavailable(reason.clone()));
        }
        match remote.discover().await {
            Ok((provider, keys)) => {
                state.discovery_failure = None;
                Ok(self.install(provider, keys).await)
            }
            Err(reason) => {
                tracing::warn!(
                    issuer = %remote.issuer_url.as_str(),
                    %reason,
                    "oidc discovery failed"
                );
                state.discovery_failure = Some((Instant::now(), reason.clone()));
                Err(AuthError::ProviderUnavailable(reason))
            }
        }
    }

    async fn install(&self, provider: Provider, keys: Vec<VerificationKey>) -> &Provider {
        tracing::info!(
            issuer = %provider.issuer,
            key_count = keys.len(),
            "oidc provider discovered"
        );
        // Keys first: whoever sees the provider must also see its keys.
        *self.0.keys.write().await = KeySet::new(keys);
        self.0.provider.get_or_init(|| provider)
    }

    /// The key that must have signed a token with this header, re-reading the key set when
    /// the `kid` is unknown (the provider may have rotated its keys).
    async fn key_for(&self, header: &Header) -> Result<Arc<VerificationKey>, AuthError> {
        if self.0.keys.read().await.fetched_at.elapsed() > KEYS_MAX_AGE {
            // A failure is logged inside and the cached keys stay in use, so a provider
            // outage does not lock everyone out.
            let _ = self.refresh_keys(false).await;
        }
        if let Some(key) = self.0.keys.read().await.find(header)? {
            return Ok(key);
        }
        self.refresh_keys(true)
            .await
            .map_err(AuthError::ProviderUnavailable)?;
        self.0.keys.read().await.find(header)?.ok_or_else(|| {
            refuse(
                AuthError::UnknownKey,
                format_args!("no usable key with kid {:?}", header.kid),
            )
        })
    }

    /// Re-reads the key set unless that happened less than [`MIN_REFRESH_INTERVAL`] ago.
    /// `wait` = false gives up at once when another request is already fetching.
    async fn refresh_keys(&self, wait: bool) -> Result<(), String> {
        let (
            Some(remote),
            Some(Provider {
                jwks_uri: Some(jwks_uri),
                ..
            }),
        ) = (&self.0.remote, self.0.provider.get())
        else {
            return Ok(());
        };
        let mut state = if wait {
            self.0.fetch.lock().await
        } else {
            match self.0.fetch.try_lock() {
                Ok(state) => state,
                Err(_) => return Ok(()),
            }
        };
        if state
            .last_refresh
            .is_some_and(|at| at.elapsed() < MIN_REFRESH_INTERVAL)
        {
            return Ok(());
        }
        state.last_refresh = Some(Instant::now());
        match remote.fetch_keys(jwks_uri).await {
            Ok(keys) => {
                tracing::info!(key_count = keys.len(), "oidc signing keys refreshed");
                *self.0.keys.write().await = KeySet::new(keys);
                Ok(())
            }
            Err(reason) => {
                tracing::warn!(%reason, "oidc signing keys could not be refreshed");
                Err(reason)
            }
        }
    }

    async fn check_provider(&self) -> Result<(), ProbeError> {
        let Some(remote) = &self.0.remote else {
            return Ok(());
        };
        let (provider, keys) = remote.discover().await.map_err(ProbeError)?;
        if keys.is_empty() {
            return Err(ProbeError(
                "the provider publishes no RS256/ES256 signing key".into(),
            ));
        }
        // A successful probe warms the cache, so the first request does not pay for discovery.
        if self.0.provider.get().is_none() {
            self.install(provider, keys).await;
        }
        Ok(())
    }
}

/// Readiness of the identity provider, as [`Authenticator::probe`] builds it.
pub struct OidcProbe(Authenticator);

impl Probe for OidcProbe {
    fn name(&self) -> &str {
        "oidc"
    }

    fn check(&self) -> BoxFuture<'_, Result<(), ProbeError>> {
        Box::pin(self.0.check_provider())
    }
}

impl Remote {
    /// Discovery, then the key set it names. `openidconnect` checks that the document's
    /// `issuer` is the configured one, as OIDC Discovery §4.3 requires.
    async fn discover(&self) -> Result<(Provider, Vec<VerificationKey>), String> {
        let metadata = CoreProviderMetadata::discover_async(self.issuer_url.clone(), &self.http)
            .await
            .map_err(|error| describe(&error))?;
        let keys = verification_keys(metadata.jwks().keys());
        let provider = Provider {
            issuer: metadata.issuer().as_str().to_owned(),
            jwks_uri: Some(metadata.jwks_uri().clone()),
        };
        Ok((provider, keys))
    }

    async fn fetch_keys(
        &self,
        jwks_uri: &JsonWebKeySetUrl,
    ) -> Result<Vec<VerificationKey>, String> {
        let set = CoreJsonWebKeySet::fetch_async(jwks_uri, &self.http)
            .await
            .map_err(|error| describe(&error))?;
        Ok(verification_keys(set.keys()))
    }
}

impl KeySet {
    fn new(keys: Vec<VerificationKey>) -> Self {
        Self {
            keys: keys.into_iter().map(Arc::new).collect(),
            fetched_at: Instant::now(),
        }
    }

    /// `Ok(None)` when no key matches, so the caller may look for a rotated key set.
    fn find(&self, header: &Header) -> Result<Option<Arc<VerificationKey>>, AuthError> {
        let candidate = match &header.kid {
            Some(kid) => self.keys.iter().find(|key| key.kid.as_ref() == Some(kid)),
            // Without a `kid` the choice is only unambiguous when a single key fits.
            None => {
                let mut fitting = self.keys.iter().filter(|key| key.algorithm == header.alg);
                match (fitting.next(), fitting.next()) {
                    (Some(key), None) => Some(key),
                    _ => None,
                }
            }
        };
        match candidate {
            Some(key) if key.algorithm != header.alg => Err(refuse(
                AuthError::InvalidSignature,
                format_args!(
                    "token says {:?}, its key is for {:?}",
                    header.alg, key.algorithm
                ),
            )),
            Some(key) => Ok(Some(Arc::clone(key))),
            None => Ok(None),
        }
    }
}

/// `openidconnect` parses the key set leniently (skipping keys it does not understand); each
/// remaining key is re-read as a `jsonwebtoken` JWK.
fn verification_keys(keys: &[CoreJsonWebKey]) -> Vec<VerificationKey> {
    keys.iter()
        .filter_map(|key| serde_json::to_value(key).ok())
        .filter_map(|key| serde_json::from_value::<Jwk>(key).ok())
        .filter_map(|jwk| verification_key(&jwk))
        .collect()
}

/// Only asymmetric signing keys for RS256 or ES256 (P-256) qualify: a symmetric key in the
/// set must never let a token's `alg` pick HMAC.
fn verification_key(jwk: &Jwk) -> Option<VerificationKey> {
    if matches!(
        jwk.common.public_key_use,
        Some(PublicKeyUse::Encryption | PublicKeyUse::Other(_))
    ) {
        return None;
    }
    if let Some(operations) = &jwk.common.key_operations
        && !operations.contains(&KeyOperations::Verify)
    {
        return None;
    }
    let algorithm = match (&jwk.algorithm, jwk.common.key_algorithm) {
        (AlgorithmParameters::RSA(_), None | Some(KeyAlgorithm::RS256)) => Algorithm::RS256,
        (AlgorithmParameters::EllipticCurve(ec), None | Some(KeyAlgorithm::ES256))
            if ec.curve == EllipticCurve::P256 =>
        {
            Algorithm::ES256
        }
        _ => return None,
    };
    let key = DecodingKey::from_jwk(jwk).ok()?;
    Some(VerificationKey {
        kid: jwk.common.key_id.clone(),
        algorithm,
        key,
    })
}

/// Checks what can be checked before any key is looked at.
fn inspect_header(token: &str) -> Result<Header, AuthError> {
    if token.len() > MAX_TOKEN_BYTES {
        return Err(refuse(AuthError::Malformed, "oversized token"));
    }
    // `alg: none` does not parse as an `Algorithm`, so it is refused here.
    let header =
        jsonwebtoken::decode_header(token).map_err(|error| refuse(AuthError::Malformed, &error))?;
    if !matches!(header.alg, Algorithm::RS256 | Algorithm::ES256) {
        return Err(refuse(
            AuthError::InvalidSignature,
            format_args!("algorithm {:?} is not accepted", header.alg),
        ));
    }
    if let Some(typ) = &header.typ {
        let typ = typ.to_ascii_lowercase();
        // RFC 9068 access tokens say `at+jwt`; Keycloak's say `JWT`.
        if !matches!(
            typ.as_str(),
            "jwt" | "at+jwt" | "application/jwt" | "application/at+jwt"
        ) {
            return Err(refuse(
                AuthError::Malformed,
                format_args!("token type {typ:?} is not an access token"),
            ));
        }
    }
    if header.crit.as_ref().is_some_and(|crit| !crit.is_empty()) {
        return Err(refuse(
            AuthError::Malformed,
            "critical header extensions are not supported",
        ));
    }
    Ok(header)
}

fn classify(error: &jsonwebtoken::errors::Error) -> AuthError {
    use jsonwebtoken::errors::ErrorKind;
    match error.kind() {
        ErrorKind::ExpiredSignature => AuthError::Expired,
        ErrorKind::ImmatureSignature => AuthError::NotYetValid,
        ErrorKind::InvalidIssuer => AuthError::WrongIssuer,
        ErrorKind::InvalidAudience => AuthError::WrongAudience,
        ErrorKind::MissingRequiredClaim(claim) if claim == "iss" => AuthError::WrongIssuer,
        ErrorKind::MissingRequiredClaim(claim) if claim == "aud" => AuthError::WrongAudience,
        ErrorKind::InvalidSignature
        | ErrorKind::InvalidAlgorithm
        | ErrorKind::InvalidRsaKey(_)
        | ErrorKind::InvalidEcdsaKey
        | ErrorKind::InvalidKeyFormat => AuthError::InvalidSignature,
        _ => AuthError::Malformed,
    }
}

/// Logs the precise reason a token was refused; the caller only learns the category.
fn refuse(error: AuthError, reason: impl fmt::Display) -> AuthError {
    tracing::debug!(%error, %reason, "access token refused");
    error
}

fn principal(claims: &Value, roles_claim: &[String]) -> Result<Principal, AuthError> {
    let text = |name: &str| claims.get(name).and_then(Value::as_str).map(str::to_owned);
    let subject = text("sub")
        .filter(|subject| !subject.is_empty())
        .ok_or_else(|| refuse(AuthError::Malformed, "`sub` is not a non-empty string"))?;
    let roles = roles_claim
        .iter()
        .try_fold(claims, |value, segment| value.get(segment))
        .map(roles_in)
        .unwrap_or_default();
    Ok(Principal {
        subject,
        email: text("email"),
        name: text("name"),
        roles,
        // Keycloak puts the client of a user token in `azp` only.
        client_id: text("client_id").or_else(|| text("azp")),
    })
}

fn roles_in(value: &Value) -> BTreeSet<Role> {
    match value {
        Value::Array(items) => items
            .iter()
            .filter_map(Value::as_str)
            .filter_map(Role::from_claim)
            .collect(),
        Value::String(names) => names
            .split_whitespace()
            .filter_map(Role::from_claim)
            .collect(),
        _ => BTreeSet::new(),
    }
}

fn parse_claim_path(path: &str) -> Option<Vec<String>> {
    let segments: Vec<String> = path.split('.').map(str::to_owned).collect();
    segments
        .iter()
        .all(|segment| !segment.is_empty())
        .then_some(segments)
}

/// An error with its sources, which `openidconnect`'s own messages leave out.
fn describe(error: &dyn StdError) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// The token of an `Authorization: Bearer …` header; `None` when the request carries no
/// bearer credentials at all.
fn bearer_token(headers: &HeaderMap) -> Result<Option<&str>, AuthError> {
    let Some(value) = headers.get(AUTHORIZATION) else {
        return Ok(None);
    };
    let value = value
        .to_str()
        .map_err(|_| refuse(AuthError::Malformed, "non-ASCII Authorization header"))?;
    let value = value.trim();
    let (scheme, token) = value.split_once(' ').unwrap_or((value, ""));
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Ok(None);
    }
    let token = token.trim();
    if token.is_empty() {
        return Err(refuse(AuthError::Malformed, "empty bearer token"));
    }
    Ok(Some(token))
}

/// The verified caller of a handler; requests without a valid bearer token are refused.
#[derive(Debug, Clone)]
pub struct Authenticated(pub Principal);

impl<S> FromRequestParts<S> for Authenticated
where
    Authenticator: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = AuthError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let token = bearer_token(&parts.headers)?.ok_or(AuthError::MissingToken)?;
        Authenticator::from_ref(state)
            .authenticate(token)
            .await
            .map(Self)
    }
}

/// The caller, if the request carries a bearer token; a token that does not verify is still
/// refused rather than treated as anonymous.
#[derive(Debug, Clone)]
pub struct OptionalAuthenticated(pub Option<Principal>);

impl<S> FromRequestParts<S> for OptionalAuthenticated
where
    Authenticator: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = AuthError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match bearer_token(&parts.headers)? {
            None => Ok(Self(None)),
            Some(token) => Authenticator::from_ref(state)
                .authenticate(token)
                .await
                .map(|principal| Self(Some(principal))),
        }
    }
}
