//! The local identity provider issues what the services will verify: RS256 JWT access tokens
//! for the API audience, with Keycloak-shaped roles.

use serde_json::Value;
use test_support::StackEnv;
use test_support::oidc::{Oidc, users};

fn claims(token: &str) -> Value {
    use base64::Engine;
    let payload = token.split('.').nth(1).expect("a JWT has three parts");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .expect("a base64url JWT segment");
    serde_json::from_slice(&bytes).expect("JWT claims are JSON")
}

#[tokio::test]
async fn a_user_signing_in_with_code_and_pkce_gets_an_api_token_with_their_roles() {
    let env = StackEnv::from_env();
    let token = Oidc::new(&env)
        .user_token(users::ORGANISER, users::PASSWORD)
        .await
        .expect("login succeeds");
    let claims = claims(&token);
    assert_eq!(claims["aud"], "urn:boxoffice:api");
    assert_eq!(claims["iss"], env.oidc_issuer.as_str());
    assert_eq!(claims["email"], users::ORGANISER);
    assert_eq!(
        claims["realm_access"]["roles"],
        serde_json::json!(["organiser"])
    );
}

#[tokio::test]
async fn a_wrong_password_is_refused() {
    let result = Oidc::new(&StackEnv::from_env())
        .user_token(users::STAFF, "not-the-password")
        .await;
    assert!(result.is_err(), "a wrong password must not yield a token");
}

#[tokio::test]
async fn a_service_gets_a_client_credentials_token_with_the_service_role() {
    let token = Oidc::new(&StackEnv::from_env())
        .service_token()
        .await
        .expect("client credentials");
    let claims = claims(&token);
    assert_eq!(claims["aud"], "urn:boxoffice:api");
    assert_eq!(
        claims["realm_access"]["roles"],
        serde_json::json!(["service"])
    );
}
