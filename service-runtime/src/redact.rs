//! Keeping secrets out of logs and `Debug` output.
//!
//! Engine URLs carry passwords (`postgres://user:password@host/db`), so every connection
//! setting is printed through [`url`], and secrets that are not URLs are held in a [`Secret`].

use std::fmt;
use std::str::FromStr;

/// What a redacted password reads as.
const MASK: &str = "***";

/// Query parameters whose value is a credential (PostgreSQL and MongoDB accept these).
const SECRET_PARAMETERS: [&str; 3] = ["password", "sslpassword", "authmechanismproperties"];

/// `raw` with the password of every URL in it masked; a comma-separated list of URLs (the
/// seed nodes of a Redis Cluster) keeps its shape. Text that is not a URL is returned as is.
pub fn url(raw: &str) -> String {
    raw.split(',').map(one_url).collect::<Vec<_>>().join(",")
}

fn one_url(raw: &str) -> String {
    let Some(scheme_end) = raw.find("://") else {
        return raw.to_owned();
    };
    let (scheme, rest) = raw.split_at(scheme_end + 3);
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let authority = match authority.rsplit_once('@') {
        Some((user_info, host)) => match user_info.split_once(':') {
            Some((user, _password)) => format!("{user}:{MASK}@{host}"),
            None => authority.to_owned(),
        },
        None => authority.to_owned(),
    };
    format!("{scheme}{authority}{}", redact_query(tail))
}

/// Masks the value of credential parameters in the query part of `tail` (`/db?password=x`).
fn redact_query(tail: &str) -> String {
    let Some((path, query)) = tail.split_once('?') else {
        return tail.to_owned();
    };
    let (query, fragment) = match query.split_once('#') {
        Some((query, fragment)) => (query, Some(fragment)),
        None => (query, None),
    };
    let query = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((name, _)) if SECRET_PARAMETERS.contains(&name.to_ascii_lowercase().as_str()) => {
                format!("{name}={MASK}")
            }
            _ => pair.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("&");
    match fragment {
        Some(fragment) => format!("{path}?{query}#{fragment}"),
        None => format!("{path}?{query}"),
    }
}

/// A setting that must never reach a log line, including through `Debug` (API keys, client
/// secrets). Parsed from a flag or the environment like any string.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The value itself, for the one place that sends it where it belongs.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("Secret(..)")
    }
}

impl FromStr for Secret {
    type Err = std::convert::Infallible;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        Ok(Self(value.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_in_a_url_is_masked_and_the_rest_kept() {
        assert_eq!(
            url("postgres://boxoffice:s3cret@db.internal:5432/orders?sslmode=require"),
            "postgres://boxoffice:***@db.internal:5432/orders?sslmode=require"
        );
        assert_eq!(
            url("redis://:s3cret@127.0.0.1:6379/"),
            "redis://:***@127.0.0.1:6379/"
        );
        assert_eq!(
            url("mongodb://reader:p%40ss@m1:27017,m2:27017/boxoffice?replicaSet=rs0"),
            "mongodb://reader:***@m1:27017,m2:27017/boxoffice?replicaSet=rs0"
        );
    }

    #[test]
    fn every_url_of_a_list_is_masked() {
        assert_eq!(
            url("redis://:a@node-1:6379,redis://:b@node-2:6379"),
            "redis://:***@node-1:6379,redis://:***@node-2:6379"
        );
    }

    #[test]
    fn a_password_given_as_a_query_parameter_is_masked() {
        assert_eq!(
            url("postgres://db:5432/orders?user=app&Password=s3cret#x"),
            "postgres://db:5432/orders?user=app&Password=***#x"
        );
    }

    #[test]
    fn urls_without_credentials_and_plain_text_are_unchanged() {
        for plain in [
            "redis://127.0.0.1:16379/",
            "postgres://boxoffice@127.0.0.1:15432/boxoffice",
            "127.0.0.1:19092",
            "",
        ] {
            assert_eq!(url(plain), plain);
        }
    }

    #[test]
    fn a_secret_never_shows_its_value_in_debug_output() {
        let secret: Secret = "whsec_live".parse().expect("any string parses");
        assert_eq!(format!("{secret:?}"), "Secret(..)");
        assert_eq!(format!("{:?}", Some(secret.clone())), "Some(Secret(..))");
        assert_eq!(secret.expose(), "whsec_live");
    }
}
