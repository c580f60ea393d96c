//! Real access tokens from the stack's OIDC provider, obtained the way the apps do:
//! authorization code + PKCE through the provider's login form (no browser needed), and
//! client credentials for service-to-service calls.

use anyhow::{Context, bail};
use openidconnect::PkceCodeChallenge;
use reqwest::StatusCode;
use reqwest::header::LOCATION;
use serde::Deserialize;

use crate::stack::StackEnv;

/// Demo accounts of the local provider (`devstack/oidc/users.json`); password [`PASSWORD`].
pub mod users {
    pub const ADMIN: &str = "admin@boxoffice.test";
    pub const ORGANISER: &str = "organiser@boxoffice.test";
    pub const ORGANISER_2: &str = "organiser2@boxoffice.test";
    pub const STAFF: &str = "staff@boxoffice.test";
    pub const STAFF_2: &str = "staff2@boxoffice.test";
    pub const ATTENDEE: &str = "attendee@boxoffice.test";
    pub const ATTENDEE_2: &str = "attendee2@boxoffice.test";
    pub const PASSWORD: &str = "boxoffice";
}

const WEB_CLIENT: &str = "boxoffice-web";
const WEB_REDIRECT: &str = "http://127.0.0.1:8080/callback";
const SERVICE_CLIENT: &str = "boxoffice-services";
const SERVICE_SECRET: &str = "boxoffice-services-secret";

#[derive(Debug, Deserialize)]
struct Discovery {
    authorization_endpoint: String,
    token_endpoint: String,
}

#[derive(Debug, Deserialize)]
struct TokenResponse {
    access_token: String,
}

/// The stack's identity provider.
pub struct Oidc {
    issuer: String,
}

impl Oidc {
    pub fn new(env: &StackEnv) -> Self {
        Self {
            issuer: env.oidc_issuer.trim_end_matches('/').to_owned(),
        }
    }

    async fn discovery(&self, http: &reqwest::Client) -> anyhow::Result<Discovery> {
        Ok(http
            .get(format!("{}/.well-known/openid-configuration", self.issuer))
            .send()
            .await
            .context("reaching the OIDC provider (is the stack up?)")?
            .error_for_status()?
            .json()
            .await?)
    }

    /// An access token for a user of the browser app, via code + PKCE and the login form.
    pub async fn user_token(&self, email: &str, password: &str) -> anyhow::Result<String> {
        // A jar of its own per login: the provider ends an existing session when another
        // user signs in on it.
        let http = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        let discovery = self.discovery(&http).await?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let state = uuid::Uuid::new_v4().simple().to_string();

        let authorize = http
            .get(&discovery.authorization_endpoint)
            .query(&[
                ("client_id", WEB_CLIENT),
                ("response_type", "code"),
                ("redirect_uri", WEB_REDIRECT),
                ("scope", "openid profile email"),
                ("state", state.as_str()),
                ("code_challenge", challenge.as_str()),
                ("code_challenge_method", "S256"),
            ])
            .send()
            .await?;
        let interaction = self.absolute(redirect_target(&authorize)?);

        let login = http
            .post(format!("{interaction}/login"))
            .form(&[("email", email), ("password", password)])
            .send()
            .await?;
        if login.status() == StatusCode::UNAUTHORIZED {
            bail!("the OIDC provider refused the credentials of {email}");
        }
        let resume = self.absolute(redirect_target(&login)?);

        let callback = http.get(resume).send().await?;
        let callback = reqwest::Url::parse(redirect_target(&callback)?)?;
        let code = callback
            .query_pairs()
            .find(|(name, _)| name == "code")
            .map(|(_, value)| value.into_owned())
            .with_context(|| format!("no code in the redirect to {callback}"))?;

        let token: TokenResponse = http
            .post(&discovery.token_endpoint)
            .form(&[
                ("grant_type", "authorization_code"),
                ("code", code.as_str()),
                ("redirect_uri", WEB_REDIRECT),
                ("client_id", WEB_CLIENT),
                ("code_verifier", verifier.secret().as_str()),
            ])
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        Ok(token.access_token)
    }

    /// A service token (client credentials), as services use to call each other.
    pub async fn service_token(&self) -> anyhow::Result<String> {
        let http = reqwest::Client::new();
        let discovery = self.discovery(&http).await?;
        let token: TokenResponse = http
            .post(&discovery.token_endpoint)
            .basic_auth(SERVICE_CLIENT, Some(SERVICE_SECRET))
            .form(&[("grant_type", "client_credentials")])
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        Ok(token.access_token)
    }

    fn absolute(&self, location: &str) -> String {
        if location.starts_with("http") {
            location.to_owned()
        } else {
            let origin = reqwest::Url::parse(&self.issuer)
                .map(|url| url.origin().ascii_serialization())
                .unwrap_or_else(|_| self.issuer.clone());
            format!("{origin}{location}")
        }
    }
}

fn redirect_target(response: &reqwest::Response) -> anyhow::Result<&str> {
    if !response.status().is_redirection() {
        bail!(
            "expected a redirect from {}, got {}",
            response.url(),
            response.status()
        );
    }
    response
        .headers()
        .get(LOCATION)
        .context("a redirect without Location")?
        .to_str()
        .context("a non-ASCII Location")
}
