//! Access-token verification: real tokens from the stack's identity provider are accepted,
//! and everything a forger or a misconfigured client could send is refused.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{Request, StatusCode, header};
use axum::response::Response;
use axum::routing::get;
use jsonwebtoken::jwk::{Jwk, JwkSet};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};
use service_runtime::Probe;
use service_runtime::auth::{
    AuthError, Authenticated, Authenticator, OptionalAuthenticated, Principal, Role,
};
use service_runtime::engine::OidcArgs;
use test_support::StackEnv;
use test_support::oidc::{Oidc, users};
use tower::ServiceExt;

const AUDIENCE: &str = "urn:boxoffice:api";
const ROLES_CLAIM: &str = "realm_access.roles";
/// Issuer of the tokens this file signs itself.
const TEST_ISSUER: &str = "https://issuer.test";
const ORGANISER_SUB: &str = "20000000-0000-4000-8000-000000000001";

/// A key that is not the provider's, for forging tokens (test-only, never used elsewhere).
const FORGER_RSA_PEM: &str = "-----BEGIN PRIVATE KEY-----
MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQDe18sPbUreAoYr
humFgzuSrnnolG9PhBvco5Fsh7Ic2FOoOWdtAQQAz9/yHvVAjUa59hoqCcuJ0ZSZ
APvxoRPyqzE0lPuTZ3PAJ3VpTqWZR/kkUFwMqXYUGVul0RKR9yTr1fn2Q6kUoKXp
3GsEzlXzvkYFoIalwIAQNmBhX6iPjxeC8ZduOIqnxLa/sORTU9spXVp0nmMpqQK2
BoZ8nw0VTYt/KUWlBEleKSLoMW+OR0KbrlPxTpq3lW0KSQDTCPGY2rZI6k3kgP3h
nQy+7HJq+QfKH/x57krPI2ndE4ni1DQ/rNsMQRPK/HrxPDz9BRwqPrKeDWrJykP5
4I2n2pmfAgMBAAECggEACxFetYJxIHuxnEHUIVx2Pf/KcEHHEYT3OUsqcuB+eS5J
YWaQe3p8b2njrovZFH6vz5aokAPyhwLQxZSl7sdYTUoxZHIt2JFfz2BmVXehg+5u
Ml6HY92azr6/rYmnyXYj8E6tXozXvf2IoAfhjNiOrk95/NePOHZKJgP9X3i3z4Ft
KLDUJW22Jt1TwssVWZ24ZWcuYfw3p0Yk3JWGbEFkwC0W7qxwibR7lMXl4Ha5KcKM
GPPW4O+bNOvvtk4JF1p6kLS0witluDnX6SJYyaODvz6KFA+v3HyCKEk3//+siYUw
FYS496Bo50l2uIe1cIGtw1ytAoDLR2ufOjAwAngqUQKBgQDvlDQ1+VhSVID0+uJD
OaiZb9C4E5ZJon96Eq/DvtdJ4+K9C9LVnMt5m50aYPB9HAwu1MlltvJoWMzQMYnE
GFaZBdk/GO7yEiJzLKHvboZI7DTDfr7eEqBvkrfQ1pkkIY3CA3waqLoDoHVupV10
uMcNHoxRrhyXrDOvQUa8E/lv5wKBgQDuHe3/hO5o4nIIEiFvQsvlEUZ/Nc56nrGp
xTS0mhala1CbqZNflVCyt/hwKIOXaYYKTMIubC9bJax8RG+xVYKc57BDmp3ayiVG
cSp3hlP2yTlZPwzQXvA24Ju1Pi/L+38apOLuInSySLMXJnqCGG0Rt24VL1i8crGB
n99oIymxiQKBgQDgxgxiI0lxHOVMcuG7rqn3IwgQ3BehiDrPnh6XqUI1if/d2+z4
Cz6AHra72/1lc94eRfeaXZV6vu2R2xhlCWyd7vXPFCaCqO73XgWkLO8CFdK/I/gR
RCqP43hgECbn1i84uqpCHNFAu9fRcoaHDyF5tpJxw8gBqUdogvbJWHgrOwKBgQCv
gP/aRXAzfjPuHu7lwqXlwEXlnRMC7dSk/OVL+AaZBe/zy5kD6loAX/iNMk9LWkuh
a9HzxWliFPJ85TQt0IjkfSA9s8iFaljvApn6XtekHcxXK1GWg2MqD4K0o5E3F7cn
PEDGpD6+6TaW6ZWCLd62ICzTEIKm4yJSGDPh3YjtgQKBgFjNDiwVR9G7acfmbfLb
+NgrgGt5FGKNRGs/vBpGP62eEWCW/ZSlMalePks26gJzoWbjTvSqH5LFfdMo+IEu
SmxJ++N8tzEIAcUo8ttrmbkqAp1KW9I9PiTPPyLuKAqJFlQ7BL9DGZZfhcuhposn
nlSf/dZGocbyVAf+pvFfwyOH
-----END PRIVATE KEY-----
";

/// The public half of [`FORGER_RSA_PEM`], as an algorithm-confusion attacker would use it.
const FORGER_RSA_PUBLIC_PEM: &str = "-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA3tfLD21K3gKGK4bphYM7
kq556JRvT4Qb3KORbIeyHNhTqDlnbQEEAM/f8h71QI1GufYaKgnLidGUmQD78aET
8qsxNJT7k2dzwCd1aU6lmUf5JFBcDKl2FBlbpdESkfck69X59kOpFKCl6dxrBM5V
875GBaCGpcCAEDZgYV+oj48XgvGXbjiKp8S2v7DkU1PbKV1adJ5jKakCtgaGfJ8N
FU2LfylFpQRJXiki6DFvjkdCm65T8U6at5VtCkkA0wjxmNq2SOpN5ID94Z0Mvuxy
avkHyh/8ee5KzyNp3ROJ4tQ0P6zbDEETyvx68Tw8/QUcKj6yng1qycpD+eCNp9qZ
nwIDAQAB
-----END PUBLIC KEY-----
";

/// A P-256 key for ES256 tokens (test-only).
const TEST_EC_PEM: &str = "-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgxZD4KQYNp5hpTAds
/y4zxb6J/20bLb6yOIQWnoKKE8KhRANCAAT40ioJOjGcLMt8hD0miqqiIVnhtqnO
jkUHXEK+0MtOfOvwhGvZQ9W/oqrhaZGWpLyg6se2UoZdBydCtaObyPJl
-----END PRIVATE KEY-----
";

// ---------------------------------------------------------------------------------------------
// Tokens signed here, checked against keys given up front

fn rsa_key() -> EncodingKey {
    EncodingKey::from_rsa_pem(FORGER_RSA_PEM.as_bytes()).expect("the test RSA key parses")
}

fn ec_key() -> EncodingKey {
    EncodingKey::from_ec_pem(TEST_EC_PEM.as_bytes()).expect("the test EC key parses")
}

fn public_jwk(key: &EncodingKey, algorithm: Algorithm, kid: &str) -> Jwk {
    let mut jwk = Jwk::from_encoding_key(key, algorithm).expect("a public JWK");
    jwk.common.key_id = Some(kid.to_owned());
    jwk
}

fn now() -> i64 {
    i64::try_from(jsonwebtoken::get_current_timestamp()).expect("a sane clock")
}

/// Claims as the provider issues them for the organiser; `changes` overrides or (with
/// `null`) removes claims.
fn organiser_claims(changes: Value) -> Value {
    let mut claims = json!({
        "iss": TEST_ISSUER,
        "aud": AUDIENCE,
        "sub": ORGANISER_SUB,
        "realm_access": { "roles": ["organiser", "offline_access"] },
        "email": users::ORGANISER,
        "name": "Olive Organiser",
        "client_id": "boxoffice-web",
        "iat": now(),
        "exp": now() + 300,
    });
    let (Some(claims_map), Value::Object(changes)) = (claims.as_object_mut(), changes) else {
        panic!("claims and changes are JSON objects");
    };
    for (name, value) in changes {
        if value.is_null() {
            claims_map.remove(&name);
        } else {
            claims_map.insert(name, value);
        }
    }
    claims
}

fn sign(algorithm: Algorithm, key: &EncodingKey, kid: Option<&str>, claims: &Value) -> String {
    let mut header = Header::new(algorithm);
    header.typ = Some("at+jwt".to_owned());
    header.kid = kid.map(str::to_owned);
    jsonwebtoken::encode(&header, claims, key).expect("signing succeeds")
}

/// Trusts the RSA test key (kid `rsa-1`) and the EC test key (kid `ec-1`).
fn static_authenticator(roles_claim: &str) -> Authenticator {
    let keys = JwkSet {
        keys: vec![
            public_jwk(&rsa_key(), Algorithm::RS256, "rsa-1"),
            public_jwk(&ec_key(), Algorithm::ES256, "ec-1"),
        ],
    };
    Authenticator::with_static_keys(TEST_ISSUER, AUDIENCE, roles_claim, keys)
}

async fn verify(claims: &Value) -> Result<Principal, AuthError> {
    let token = sign(Algorithm::RS256, &rsa_key(), Some("rsa-1"), claims);
    static_authenticator(ROLES_CLAIM).authenticate(&token).await
}

#[tokio::test]
async fn a_well_signed_token_yields_its_subject_and_known_roles() {
    let principal = verify(&organiser_claims(json!({})))
        .await
        .expect("accepted");
    assert_eq!(principal.subject, ORGANISER_SUB);
    assert_eq!(principal.email.as_deref(), Some(users::ORGANISER));
    assert_eq!(principal.name.as_deref(), Some("Olive Organiser"));
    assert_eq!(principal.client_id.as_deref(), Some("boxoffice-web"));
    // `offline_access` is not a Boxoffice role and is dropped.
    assert_eq!(
        principal.roles.iter().copied().collect::<Vec<_>>(),
        [Role::Organiser]
    );
    assert!(principal.has_role(Role::Organiser));
    assert!(!principal.is_admin() && !principal.is_service());
}

#[tokio::test]
async fn roles_can_sit_at_a_top_level_claim() {
    let claims = organiser_claims(json!({ "roles": ["admin", "staff"], "realm_access": null }));
    let token = sign(Algorithm::RS256, &rsa_key(), Some("rsa-1"), &claims);
    let principal = static_authenticator("roles")
        .authenticate(&token)
        .await
        .expect("accepted");
    assert!(principal.is_admin() && principal.has_role(Role::Staff));
    assert!(!principal.has_role(Role::Organiser));
}

#[tokio::test]
async fn a_token_without_the_roles_claim_has_no_roles() {
    let principal = verify(&organiser_claims(json!({ "realm_access": null })))
        .await
        .expect("accepted");
    assert!(principal.roles.is_empty());
}

#[tokio::test]
async fn an_es256_token_verifies_with_an_ec_key() {
    let token = sign(
        Algorithm::ES256,
        &ec_key(),
        Some("ec-1"),
        &organiser_claims(json!({})),
    );
    let principal = static_authenticator(ROLES_CLAIM)
        .authenticate(&token)
        .await
        .expect("accepted");
    assert_eq!(principal.subject, ORGANISER_SUB);
}

#[tokio::test]
async fn an_expired_token_is_refused_beyond_the_leeway() {
    let expired = organiser_claims(json!({ "exp": now() - 120, "iat": now() - 1000 }));
    assert_eq!(verify(&expired).await, Err(AuthError::Expired));

    // Within the clock-skew allowance the token still counts.
    let just_expired = organiser_claims(json!({ "exp": now() - 5 }));
    assert!(verify(&just_expired).await.is_ok());
}

#[tokio::test]
async fn a_token_not_valid_yet_is_refused() {
    let early = organiser_claims(json!({ "nbf": now() + 600 }));
    assert_eq!(verify(&early).await, Err(AuthError::NotYetValid));
}

#[tokio::test]
async fn a_token_for_another_audience_is_refused() {
    let other = organiser_claims(json!({ "aud": "urn:someone:else" }));
    assert_eq!(verify(&other).await, Err(AuthError::WrongAudience));
    let missing = organiser_claims(json!({ "aud": null }));
    assert_eq!(verify(&missing).await, Err(AuthError::WrongAudience));

    // Audience is "contains", not "equals".
    let several = organiser_claims(json!({ "aud": ["urn:someone:else", AUDIENCE] }));
    assert!(verify(&several).await.is_ok());
}

#[tokio::test]
async fn a_token_from_another_issuer_is_refused() {
    let other = organiser_claims(json!({ "iss": "https://evil.test" }));
    assert_eq!(verify(&other).await, Err(AuthError::WrongIssuer));
    let missing = organiser_claims(json!({ "iss": null }));
    assert_eq!(verify(&missing).await, Err(AuthError::WrongIssuer));
}

#[tokio::test]
async fn a_token_without_subject_or_expiry_is_refused() {
    assert_eq!(
        verify(&organiser_claims(json!({ "sub": null }))).await,
        Err(AuthError::Malformed)
    );
    assert_eq!(
        verify(&organiser_claims(json!({ "exp": null }))).await,
        Err(AuthError::Malformed)
    );
}

#[tokio::test]
async fn an_unsigned_token_is_refused() {
    let signed = sign(
        Algorithm::RS256,
        &rsa_key(),
        Some("rsa-1"),
        &organiser_claims(json!({})),
    );
    let payload = signed.split('.').nth(1).expect("three segments");
    // base64url of {"alg":"none","typ":"JWT"}
    let none_header = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0";
    let authenticator = static_authenticator(ROLES_CLAIM);
    for token in [
        format!("{none_header}.{payload}."),
        format!("{none_header}.{payload}"),
    ] {
        assert_eq!(
            authenticator.authenticate(&token).await,
            Err(AuthError::Malformed)
        );
    }
}

#[tokio::test]
async fn an_hmac_token_keyed_with_the_public_key_is_refused() {
    let claims = organiser_claims(json!({}));
    let authenticator = static_authenticator(ROLES_CLAIM);
    for algorithm in [Algorithm::HS256, Algorithm::HS384, Algorithm::HS512] {
        let confused = sign(
            algorithm,
            &EncodingKey::from_secret(FORGER_RSA_PUBLIC_PEM.as_bytes()),
            Some("rsa-1"),
            &claims,
        );
        assert_eq!(
            authenticator.authenticate(&confused).await,
            Err(AuthError::InvalidSignature),
            "{algorithm:?} must not be accepted"
        );
    }
}

#[tokio::test]
async fn a_symmetric_key_in_the_key_set_is_never_trusted() {
    let secret = b"a shared secret the provider should never have published";
    let mut oct = Jwk::from_encoding_key(&EncodingKey::from_secret(secret), Algorithm::HS256)
        .expect("an oct JWK");
    oct.common.key_id = Some("oct-1".to_owned());
    let authenticator = Authenticator::with_static_keys(
        TEST_ISSUER,
        AUDIENCE,
        ROLES_CLAIM,
        JwkSet { keys: vec![oct] },
    );
    let token = sign(
        Algorithm::HS256,
        &EncodingKey::from_secret(secret),
        Some("oct-1"),
        &organiser_claims(json!({})),
    );
    assert_eq!(
        authenticator.authenticate(&token).await,
        Err(AuthError::InvalidSignature)
    );
}

#[tokio::test]
async fn a_token_whose_algorithm_does_not_match_its_key_is_refused() {
    // Signed with the EC key but naming the RSA key.
    let token = sign(
        Algorithm::ES256,
        &ec_key(),
        Some("rsa-1"),
        &organiser_claims(json!({})),
    );
    assert_eq!(
        static_authenticator(ROLES_CLAIM).authenticate(&token).await,
        Err(AuthError::InvalidSignature)
    );
}

#[tokio::test]
async fn a_token_naming_an_unknown_key_is_refused() {
    let token = sign(
        Algorithm::RS256,
        &rsa_key(),
        Some("rsa-2"),
        &organiser_claims(json!({})),
    );
    assert_eq!(
        static_authenticator(ROLES_CLAIM).authenticate(&token).await,
        Err(AuthError::UnknownKey)
    );
}

#[tokio::test]
async fn a_token_of_another_type_is_refused() {
    let mut header = Header::new(Algorithm::RS256);
    header.typ = Some("dpop+jwt".to_owned());
    header.kid = Some("rsa-1".to_owned());
    let token = jsonwebtoken::encode(&header, &organiser_claims(json!({})), &rsa_key())
        .expect("signing succeeds");
    assert_eq!(
        static_authenticator(ROLES_CLAIM).authenticate(&token).await,
        Err(AuthError::Malformed)
    );
}

#[tokio::test]
async fn garbage_is_malformed() {
    let authenticator = static_authenticator(ROLES_CLAIM);
    for token in ["", "not-a-jwt", "a.b.c", &"x".repeat(64 * 1024)] {
        assert_eq!(
            authenticator.authenticate(token).await,
            Err(AuthError::Malformed)
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Real tokens from the stack's provider

fn stack_args(issuer: &str) -> OidcArgs {
    OidcArgs {
        oidc_issuer: issuer.to_owned(),
        oidc_audience: AUDIENCE.to_owned(),
        oidc_roles_claim: ROLES_CLAIM.to_owned(),
    }
}

fn stack_authenticator() -> Authenticator {
    Authenticator::new(&stack_args(&StackEnv::from_env().oidc_issuer)).expect("valid settings")
}

async fn organiser_token() -> String {
    Oidc::new(&StackEnv::from_env())
        .user_token(users::ORGANISER, users::PASSWORD)
        .await
        .expect("the organiser signs in")
}

async fn service_token() -> String {
    Oidc::new(&StackEnv::from_env())
        .service_token()
        .await
        .expect("client credentials")
}

/// The payload of `token`, re-signed with a key that is not the provider's.
fn forge(token: &str, kid: Option<&str>) -> String {
    let claims: Value = jsonwebtoken::dangerous::insecure_decode(token)
        .expect("a JWT")
        .claims;
    sign(Algorithm::RS256, &rsa_key(), kid, &claims)
}

#[tokio::test]
async fn an_organisers_token_from_the_provider_is_accepted() {
    let principal = stack_authenticator()
        .authenticate(&organiser_token().await)
        .await
        .expect("accepted");
    assert_eq!(principal.subject, ORGANISER_SUB);
    assert_eq!(principal.email.as_deref(), Some(users::ORGANISER));
    assert_eq!(principal.client_id.as_deref(), Some("boxoffice-web"));
    assert!(principal.has_role(Role::Organiser));
    assert!(!principal.is_admin() && !principal.is_service());
}

#[tokio::test]
async fn a_service_token_from_the_provider_is_accepted() {
    let principal = stack_authenticator()
        .authenticate(&service_token().await)
        .await
        .expect("accepted");
    assert!(principal.is_service());
    assert_eq!(principal.client_id.as_deref(), Some("boxoffice-services"));
    assert_eq!(principal.subject, "boxoffice-services");
}

#[tokio::test]
async fn a_copy_of_a_real_token_signed_with_another_key_is_refused() {
    let real = organiser_token().await;
    let provider_kid = jsonwebtoken::decode_header(&real)
        .expect("a JWT header")
        .kid
        .expect("the provider names its key");
    let authenticator = stack_authenticator();

    let same_kid = forge(&real, Some(&provider_kid));
    assert_eq!(
        authenticator.authenticate(&same_kid).await,
        Err(AuthError::InvalidSignature)
    );
    let new_kid = forge(&real, Some("forged-key"));
    assert_eq!(
        authenticator.authenticate(&new_kid).await,
        Err(AuthError::UnknownKey)
    );
    let no_kid = forge(&real, None);
    assert_eq!(
        authenticator.authenticate(&no_kid).await,
        Err(AuthError::InvalidSignature)
    );
}

#[tokio::test]
async fn a_real_token_with_another_users_payload_is_refused() {
    let organiser = organiser_token().await;
    let admin = Oidc::new(&StackEnv::from_env())
        .user_token(users::ADMIN, users::PASSWORD)
        .await
        .expect("the admin signs in");
    // The organiser's header and signature around the admin's claims.
    let [header, _, signature] = segments(&organiser);
    let [_, admin_payload, _] = segments(&admin);
    let spliced = format!("{header}.{admin_payload}.{signature}");
    assert_eq!(
        stack_authenticator().authenticate(&spliced).await,
        Err(AuthError::InvalidSignature)
    );
}

fn segments(token: &str) -> [&str; 3] {
    let mut parts = token.split('.');
    let segments = [(); 3].map(|()| parts.next().expect("three segments"));
    assert!(parts.next().is_none(), "three segments");
    segments
}

#[tokio::test]
async fn the_probe_reports_a_reachable_provider() {
    let authenticator = stack_authenticator();
    let probe = authenticator.probe();
    assert_eq!(probe.name(), "oidc");
    probe.check().await.expect("provider reachable");
}

#[tokio::test]
async fn an_unreachable_provider_means_service_unavailable() {
    let authenticator =
        Authenticator::new(&stack_args("http://127.0.0.1:1")).expect("valid settings");
    let token = service_token().await;

    assert!(matches!(
        authenticator.authenticate(&token).await,
        Err(AuthError::ProviderUnavailable(_))
    ));
    assert!(authenticator.probe().check().await.is_err());

    let response = call(app(authenticator), "/me", Some(&format!("Bearer {token}"))).await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        body(response).await["error"]["code"],
        "identity_provider_unavailable"
    );
}

// ---------------------------------------------------------------------------------------------
// The extractors, in a router

async fn me(Authenticated(principal): Authenticated) -> String {
    principal.subject
}

async fn maybe_me(OptionalAuthenticated(principal): OptionalAuthenticated) -> String {
    principal.map_or_else(|| "anonymous".to_owned(), |principal| principal.subject)
}

fn app(authenticator: Authenticator) -> Router {
    Router::new()
        .route("/me", get(me))
        .route("/maybe-me", get(maybe_me))
        .with_state(authenticator)
}

async fn call(app: Router, path: &str, authorization: Option<&str>) -> Response {
    let mut request = Request::get(path);
    if let Some(value) = authorization {
        request = request.header(header::AUTHORIZATION, value);
    }
    app.oneshot(request.body(Body::empty()).expect("a request"))
        .await
        .expect("the router answers")
}

async fn body(response: Response) -> Value {
    let bytes = axum::body::to_bytes(response.into_body(), 64 * 1024)
        .await
        .expect("a body");
    serde_json::from_slice(&bytes).expect("a JSON body")
}

async fn text(response: Response) -> String {
    let bytes = axum::body::to_bytes(response.into_body(), 64 * 1024)
        .await
        .expect("a body");
    String::from_utf8(bytes.to_vec()).expect("UTF-8")
}

fn challenge(response: &Response) -> &str {
    response
        .headers()
        .get(header::WWW_AUTHENTICATE)
        .expect("a WWW-Authenticate challenge")
        .to_str()
        .expect("ASCII")
}

#[tokio::test]
async fn a_request_without_a_token_gets_a_bearer_challenge() {
    let app = app(stack_authenticator());
    for authorization in [None, Some("Basic b3JnYW5pc2VyOmJveG9mZmljZQ==")] {
        let response = call(app.clone(), "/me", authorization).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(challenge(&response), "Bearer");
        let body = body(response).await;
        assert_eq!(body["error"]["code"], "unauthorized");
        assert!(
            body["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty())
        );
    }
}

#[tokio::test]
async fn a_request_with_a_real_token_reaches_the_handler() {
    let app = app(stack_authenticator());
    let token = organiser_token().await;
    for scheme in ["Bearer", "bearer", "BEARER"] {
        let response = call(app.clone(), "/me", Some(&format!("{scheme} {token}"))).await;
        assert_eq!(response.status(), StatusCode::OK, "scheme {scheme}");
        assert_eq!(text(response).await, ORGANISER_SUB);
    }
}

#[tokio::test]
async fn a_request_with_a_bad_token_is_told_the_token_is_invalid() {
    let app = app(stack_authenticator());
    let forged = forge(&organiser_token().await, Some("forged-key"));
    for authorization in [
        "Bearer not-a-jwt".to_owned(),
        format!("Bearer {forged}"),
        "Bearer ".to_owned(),
    ] {
        let response = call(app.clone(), "/me", Some(&authorization)).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        assert!(challenge(&response).starts_with("Bearer error=\"invalid_token\""));
        let body = body(response).await;
        assert_eq!(body["error"]["code"], "unauthorized");
        assert_eq!(body["error"]["message"], "the access token is not valid");
    }
}

#[tokio::test]
async fn an_expired_token_is_answered_with_a_hint_to_refresh() {
    let app = app(static_authenticator(ROLES_CLAIM));
    let token = sign(
        Algorithm::RS256,
        &rsa_key(),
        Some("rsa-1"),
        &organiser_claims(json!({ "exp": now() - 600 })),
    );
    let response = call(app, "/me", Some(&format!("Bearer {token}"))).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert!(challenge(&response).contains("invalid_token"));
    assert_eq!(
        body(response).await["error"]["message"],
        "the access token has expired"
    );
}

#[tokio::test]
async fn optional_authentication_lets_anonymous_requests_through_but_not_bad_tokens() {
    let app = app(stack_authenticator());
    let anonymous = call(app.clone(), "/maybe-me", None).await;
    assert_eq!(anonymous.status(), StatusCode::OK);
    assert_eq!(text(anonymous).await, "anonymous");

    let token = organiser_token().await;
    let signed_in = call(app.clone(), "/maybe-me", Some(&format!("Bearer {token}"))).await;
    assert_eq!(signed_in.status(), StatusCode::OK);
    assert_eq!(text(signed_in).await, ORGANISER_SUB);

    let bad = call(app, "/maybe-me", Some("Bearer not-a-jwt")).await;
    assert_eq!(bad.status(), StatusCode::UNAUTHORIZED);
}

// ---------------------------------------------------------------------------------------------
// Key rotation. The stack's provider cannot rotate its key on demand, so this uses an issuer
// of its own: a discovery document and a key set this test can change, on port 0.

struct RotatingIssuer {
    url: String,
    keys: Arc<std::sync::Mutex<JwkSet>>,
    key_set_reads: Arc<AtomicUsize>,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for RotatingIssuer {
    fn drop(&mut self) {
        self.server.abort();
    }
}

#[derive(Clone)]
struct IssuerState {
    url: String,
    keys: Arc<std::sync::Mutex<JwkSet>>,
    key_set_reads: Arc<AtomicUsize>,
}

impl RotatingIssuer {
    async fn start(keys: JwkSet) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a free port");
        let url = format!("http://{}", listener.local_addr().expect("bound"));
        let state = IssuerState {
            url: url.clone(),
            keys: Arc::new(std::sync::Mutex::new(keys)),
            key_set_reads: Arc::new(AtomicUsize::new(0)),
        };
        let router = Router::new()
            .route("/.well-known/openid-configuration", get(discovery))
            .route("/jwks", get(key_set))
            .with_state(state.clone());
        let server = tokio::spawn(async move {
            axum::serve(listener, router)
                .await
                .expect("the issuer serves");
        });
        Self {
            url,
            keys: state.keys,
            key_set_reads: state.key_set_reads,
            server,
        }
    }

    fn publish(&self, keys: JwkSet) {
        *self.keys.lock().expect("not poisoned") = keys;
    }

    fn key_set_reads(&self) -> usize {
        self.key_set_reads.load(Ordering::SeqCst)
    }

    fn claims(&self) -> Value {
        organiser_claims(json!({ "iss": self.url }))
    }
}

async fn discovery(State(state): State<IssuerState>) -> axum::Json<Value> {
    axum::Json(json!({
        "issuer": state.url,
        "authorization_endpoint": format!("{}/auth", state.url),
        "jwks_uri": format!("{}/jwks", state.url),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256", "ES256"],
    }))
}

async fn key_set(State(state): State<IssuerState>) -> axum::Json<JwkSet> {
    state.key_set_reads.fetch_add(1, Ordering::SeqCst);
    axum::Json(state.keys.lock().expect("not poisoned").clone())
}

#[tokio::test]
async fn a_rotated_key_is_picked_up_and_forged_key_ids_do_not_hammer_the_provider() {
    let old_key = public_jwk(&rsa_key(), Algorithm::RS256, "old");
    let issuer = RotatingIssuer::start(JwkSet {
        keys: vec![old_key.clone()],
    })
    .await;
    let authenticator = Authenticator::new(&stack_args(&issuer.url)).expect("valid settings");

    let with_old = sign(Algorithm::RS256, &rsa_key(), Some("old"), &issuer.claims());
    authenticator
        .authenticate(&with_old)
        .await
        .expect("accepted");
    assert_eq!(
        issuer.key_set_reads(),
        1,
        "discovery reads the key set once"
    );

    // The provider starts signing with a new key it has just published.
    issuer.publish(JwkSet {
        keys: vec![old_key, public_jwk(&ec_key(), Algorithm::ES256, "new")],
    });
    let with_new = sign(Algorithm::ES256, &ec_key(), Some("new"), &issuer.claims());
    authenticator
        .authenticate(&with_new)
        .await
        .expect("accepted after a refresh");
    assert_eq!(issuer.key_set_reads(), 2);

    // Every further unknown kid within the refresh interval is refused without a fetch.
    for n in 0..20 {
        let forged = sign(
            Algorithm::RS256,
            &rsa_key(),
            Some(&format!("forged-{n}")),
            &issuer.claims(),
        );
        assert_eq!(
            authenticator.authenticate(&forged).await,
            Err(AuthError::UnknownKey)
        );
    }
    assert_eq!(issuer.key_set_reads(), 2);
    authenticator
        .authenticate(&with_old)
        .await
        .expect("the old key still works");
}

#[tokio::test]
async fn concurrent_first_requests_share_one_discovery() {
    let issuer = RotatingIssuer::start(JwkSet {
        keys: vec![public_jwk(&rsa_key(), Algorithm::RS256, "only")],
    })
    .await;
    let authenticator = Authenticator::new(&stack_args(&issuer.url)).expect("valid settings");
    let token = sign(Algorithm::RS256, &rsa_key(), Some("only"), &issuer.claims());
    let results = futures::future::join_all((0..16).map(|_| {
        let authenticator = authenticator.clone();
        let token = token.clone();
        async move { authenticator.authenticate(&token).await }
    }))
    .await;
    assert!(results.iter().all(Result::is_ok));
    assert_eq!(issuer.key_set_reads(), 1);
}
