//! How the scheduler acts: through the services' own APIs, called with the service's
//! client-credentials token. command-service stays the one writer of session status, and
//! order-service the one that moves money.

use std::time::{Duration, Instant};

use serde::Deserialize;
use service_runtime::trace_context;
use shared_dto::status::SessionStatus;
use tokio::sync::Mutex;
use uuid::Uuid;

/// A token is renewed this long before it expires.
const RENEW_BEFORE: Duration = Duration::from_secs(30);
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Debug, thiserror::Error)]
pub enum ServiceApiError {
    #[error("the identity provider did not issue a service token: {0}")]
    Token(String),
    #[error("the service did not answer: {0}")]
    Unreachable(#[from] reqwest::Error),
    #[error("the service answered {status}: {body}")]
    Unexpected { status: u16, body: String },
}

/// What command-service made of a status change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatusChange {
    Changed,
    /// Not a legal step from where the session is now (it has moved on already).
    NotFromHere,
    /// Refused for a reason someone has to fix first (`code`: e.g. `event_not_published`).
    Refused {
        code: String,
        message: String,
    },
    /// No such session any more.
    Gone,
}

#[derive(Deserialize)]
struct Discovery {
    token_endpoint: String,
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    expires_in: Option<u64>,
}

#[derive(Deserialize)]
struct ErrorEnvelope {
    error: ErrorDetail,
}

#[derive(Deserialize)]
struct ErrorDetail {
    code: String,
    message: String,
}

struct CachedToken {
    value: String,
    renew_at: Instant,
}

/// What order-service did for a cancelled session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub struct SessionRefunds {
    pub refunded_orders: u64,
    pub remaining_orders: u64,
}

pub struct ServiceApi {
    http: reqwest::Client,
    command_url: String,
    order_url: String,
    issuer: String,
    client_id: String,
    client_secret: String,
    token: Mutex<Option<CachedToken>>,
}

impl ServiceApi {
    pub fn new(
        command_url: &str,
        order_url: &str,
        issuer: &str,
        client_id: &str,
        client_secret: &str,
    ) -> Result<Self, reqwest::Error> {
        Ok(Self {
            http: reqwest::Client::builder()
                .timeout(REQUEST_TIMEOUT)
                .build()?,
            command_url: command_url.trim_end_matches('/').to_owned(),
            order_url: order_url.trim_end_matches('/').to_owned(),
            issuer: issuer.trim_end_matches('/').to_owned(),
            client_id: client_id.to_owned(),
            client_secret: client_secret.to_owned(),
            token: Mutex::new(None),
        })
    }

    /// Asks command-service to move a session to `status`.
    pub async fn set_session_status(
        &self,
        session_id: Uuid,
        status: SessionStatus,
    ) -> Result<StatusChange, ServiceApiError> {
        let url = format!(
            "{}/api/manage/sessions/{session_id}/status",
            self.command_url
        );
        let response = self
            .post(&url, Some(serde_json::json!({ "status": status })))
            .await?;
        let code = response.status().as_u16();
        match code {
            200 => Ok(StatusChange::Changed),
            404 => Ok(StatusChange::Gone),
            409 => {
                let body = response.text().await.unwrap_or_default();
                let detail = serde_json::from_str::<ErrorEnvelope>(&body).map_err(|_| {
                    ServiceApiError::Unexpected {
                        status: code,
                        body: body.clone(),
                    }
                })?;
                Ok(if detail.error.code == "illegal_transition" {
                    StatusChange::NotFromHere
                } else {
                    StatusChange::Refused {
                        code: detail.error.code,
                        message: detail.error.message,
                    }
                })
            }
            _ => Err(unexpected(response).await),
        }
    }

    /// Asks order-service to refund every paid order of a cancelled session; `None` when it
    /// knows no such session.
    pub async fn refund_session(
        &self,
        session_id: Uuid,
        reason: &str,
    ) -> Result<Option<SessionRefunds>, ServiceApiError> {
        let url = format!("{}/api/sales/sessions/{session_id}/refunds", self.order_url);
        let response = self
            .post(&url, Some(serde_json::json!({ "reason": reason })))
            .await?;
        match response.status().as_u16() {
            200 => Ok(Some(response.json().await?)),
            404 => Ok(None),
            _ => Err(unexpected(response).await),
        }
    }

    /// Asks order-service to mail the session's ticket holders a reminder (each once); the
    /// number queued, `None` when it knows no such session.
    pub async fn remind_session(&self, session_id: Uuid) -> Result<Option<u64>, ServiceApiError> {
        #[derive(Deserialize)]
        struct Queued {
            queued: u64,
        }
        let url = format!(
            "{}/api/sales/sessions/{session_id}/reminders",
            self.order_url
        );
        let response = self.post(&url, None).await?;
        match response.status().as_u16() {
            200 => Ok(Some(response.json::<Queued>().await?.queued)),
            404 => Ok(None),
            _ => Err(unexpected(response).await),
        }
    }

    /// A POST with the service's token; a 401 (a token that expired early, a provider that
    /// rotated its keys) is tried once more with a fresh one.
    async fn post(
        &self,
        url: &str,
        body: Option<serde_json::Value>,
    ) -> Result<reqwest::Response, ServiceApiError> {
        let mut renewed = false;
        loop {
            // The services' request spans continue the job's trace.
            let mut request = self
                .http
                .post(url)
                .bearer_auth(self.token().await?)
                .headers(trace_context::headers_for_call());
            if let Some(body) = &body {
                request = request.json(body);
            }
            let response = request.send().await?;
            if response.status() == reqwest::StatusCode::UNAUTHORIZED && !renewed {
                renewed = true;
                *self.token.lock().await = None;
                continue;
            }
            return Ok(response);
        }
    }

    async fn token(&self) -> Result<String, ServiceApiError> {
        let mut cached = self.token.lock().await;
        if let Some(token) = cached.as_ref()
            && Instant::now() < token.renew_at
        {
            return Ok(token.value.clone());
        }
        let fresh = self.fetch_token().await?;
        let value = fresh.access_token.clone();
        let lifetime = Duration::from_secs(fresh.expires_in.unwrap_or(60));
        *cached = Some(CachedToken {
            value: fresh.access_token,
            renew_at: Instant::now() + lifetime.saturating_sub(RENEW_BEFORE),
        });
        Ok(value)
    }

    async fn fetch_token(&self) -> Result<TokenResponse, ServiceApiError> {
        let failed = |error: reqwest::Error| ServiceApiError::Token(error.to_string());
        let discovery: Discovery = self
            .http
            .get(format!("{}/.well-known/openid-configuration", self.issuer))
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .map_err(failed)?
            .json()
            .await
            .map_err(failed)?;
        self.http
            .post(&discovery.token_endpoint)
            .basic_auth(&self.client_id, Some(&self.client_secret))
            .form(&[("grant_type", "client_credentials")])
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .map_err(failed)?
            .json()
            .await
            .map_err(failed)
    }
}

async fn unexpected(response: reqwest::Response) -> ServiceApiError {
    let status = response.status().as_u16();
    let body = response.text().await.unwrap_or_default();
    ServiceApiError::Unexpected { status, body }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use axum::Json;
    use axum::Router;
    use axum::http::HeaderMap;
    use axum::routing::{get, post};
    use opentelemetry::trace::{TraceContextExt, TracerProvider as _};
    use opentelemetry_sdk::trace::SdkTracerProvider;
    use tracing::Instrument;
    use tracing_opentelemetry::OpenTelemetrySpanExt;
    use tracing_subscriber::prelude::*;

    use super::*;

    /// Stands in for the identity provider, command-service and order-service; keeps the
    /// `traceparent` of every call to the services (`None` for a call without one).
    async fn services() -> (String, Arc<Mutex<Vec<Option<String>>>>) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("binds");
        let base = format!("http://{}", listener.local_addr().expect("an address"));
        let calls = Arc::new(Mutex::new(Vec::new()));
        let record = |calls: Arc<Mutex<Vec<Option<String>>>>| {
            move |headers: HeaderMap| {
                let traceparent = headers
                    .get("traceparent")
                    .and_then(|value| value.to_str().ok())
                    .map(str::to_owned);
                calls.lock().expect("not poisoned").push(traceparent);
                async { Json(serde_json::json!({ "queued": 2 })) }
            }
        };
        let token_endpoint = format!("{base}/token");
        let router = Router::new()
            .route(
                "/.well-known/openid-configuration",
                get(move || async move {
                    Json(serde_json::json!({ "token_endpoint": token_endpoint }))
                }),
            )
            .route(
                "/token",
                post(|| async {
                    Json(serde_json::json!({ "access_token": "token", "expires_in": 300 }))
                }),
            )
            .route(
                "/api/manage/sessions/{id}/status",
                post(record(Arc::clone(&calls))),
            )
            .route(
                "/api/sales/sessions/{id}/reminders",
                post(record(Arc::clone(&calls))),
            );
        tokio::spawn(async move { axum::serve(listener, router).await });
        (base, calls)
    }

    fn api(base: &str) -> ServiceApi {
        ServiceApi::new(base, base, base, "scheduler", "secret").expect("a client")
    }

    #[tokio::test]
    async fn calls_to_the_services_carry_the_jobs_trace() {
        let provider = SdkTracerProvider::builder().build();
        let _recording = tracing::subscriber::set_default(
            tracing_subscriber::registry()
                .with(tracing_opentelemetry::layer().with_tracer(provider.tracer("scheduler"))),
        );
        let (base, calls) = services().await;
        let api = api(&base);

        let job = tracing::info_span!("job");
        let trace_id = job.context().span().span_context().trace_id();
        async {
            api.set_session_status(Uuid::now_v7(), SessionStatus::OnSale)
                .await
                .expect("status set");
            api.remind_session(Uuid::now_v7()).await.expect("reminded");
        }
        .instrument(job)
        .await;

        let calls = calls.lock().expect("not poisoned");
        assert_eq!(calls.len(), 2);
        for traceparent in calls.iter() {
            let traceparent = traceparent.as_deref().expect("a traceparent header");
            let parts: Vec<&str> = traceparent.split('-').collect();
            assert_eq!(parts.len(), 4, "{traceparent}");
            assert_eq!(parts[0], "00", "version");
            assert_eq!(parts[1], trace_id.to_string(), "the job's trace");
            assert_eq!(parts[3], "01", "sampled");
        }
    }

    #[tokio::test]
    async fn without_trace_export_calls_carry_no_trace_context() {
        let (base, calls) = services().await;
        let api = api(&base);

        api.remind_session(Uuid::now_v7())
            .instrument(tracing::info_span!("job"))
            .await
            .expect("reminded");

        assert_eq!(*calls.lock().expect("not poisoned"), vec![None]);
    }
}
