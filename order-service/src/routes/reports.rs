//! An event's orders and attendees for its organisers: JSON pages to browse, or every matching
//! row as CSV (`Accept: text/csv`) to open in a spreadsheet.
//!
//! Who may read them: the event organisation's organisers, admins and services. The
//! organisation's staff are told no (403); anyone else finds no such event (404).

use std::collections::HashMap;
use std::fmt::Display;
use std::str::FromStr;
use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::header::{ACCEPT, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use service_runtime::auth::{Authenticated, Principal};
use service_runtime::params::{Path, Query};
use shared_dto::layout::Block;
use shared_dto::money::Currency;
use shared_dto::status::{OrderStatus, TicketStatus};
use uuid::Uuid;

use crate::access::{may_check_in, may_manage_sales};
use crate::data::reports::{self, AttendeeRow, OrderReportRow, ReportFilter};
use crate::data::sessions::{self, SeatMap};
use crate::error::ApiError;
use crate::state::AppState;

const DEFAULT_PER_PAGE: u32 = 50;
const MAX_PER_PAGE: u32 = 200;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// Only this session's rows.
    pub session_id: Option<Uuid>,
    /// Only rows in this status: an order's (`pending`, `paid`, `ticketed`, `expired`,
    /// `cancelled`, `refunded`) or a ticket's (`valid`, `refunded`, `void`).
    pub status: Option<String>,
    /// 1-based page number (JSON only; CSV has every matching row).
    pub page: Option<u32>,
    /// Rows per page, 1 to 200, 50 when absent (JSON only).
    pub per_page: Option<u32>,
}

impl ReportQuery {
    /// The filter, its status one of `all` (an order's or a ticket's statuses).
    fn filter<S: Copy + FromStr + Display>(&self, all: &[S]) -> Result<ReportFilter<S>, ApiError> {
        let status = self
            .status
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|status| {
                status.parse().map_err(|_| {
                    let names: Vec<String> = all.iter().map(ToString::to_string).collect();
                    ApiError::invalid(
                        "/status",
                        format!("status must be one of {}", names.join(", ")),
                    )
                })
            })
            .transpose()?;
        Ok(ReportFilter {
            session_id: self.session_id,
            status,
        })
    }

    fn page(&self) -> Result<(u32, u32), ApiError> {
        let page = self.page.unwrap_or(1);
        let per_page = self.per_page.unwrap_or(DEFAULT_PER_PAGE);
        if page == 0 {
            return Err(ApiError::invalid("/page", "page starts at 1"));
        }
        if !(1..=MAX_PER_PAGE).contains(&per_page) {
            return Err(ApiError::invalid(
                "/per_page",
                format!("per_page must be 1 to {MAX_PER_PAGE}"),
            ));
        }
        Ok((page, per_page))
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OrderReport {
    pub order_id: Uuid,
    pub session_id: Uuid,
    pub session_starts_at: Option<DateTime<Utc>>,
    pub buyer_name: String,
    pub buyer_email: String,
    pub status: OrderStatus,
    /// Seats and standing places ordered.
    pub places: i64,
    pub currency: String,
    pub subtotal_minor: i64,
    pub discount_minor: i64,
    pub total_minor: i64,
    pub discount_code: Option<String>,
    pub created_at: DateTime<Utc>,
    pub paid_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OrdersPage {
    pub items: Vec<OrderReport>,
    pub page: u32,
    pub per_page: u32,
    pub total: i64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Attendee {
    pub ticket_id: Uuid,
    pub order_id: Uuid,
    pub session_id: Uuid,
    pub session_starts_at: Option<DateTime<Utc>>,
    pub buyer_name: String,
    pub buyer_email: String,
    pub holder_name: String,
    /// Null for a standing place.
    pub seat_id: Option<String>,
    /// The seat's label (e.g. `B12`), or the standing area's name.
    pub place_label: Option<String>,
    pub block_id: String,
    pub tier_id: Uuid,
    pub tier_name: Option<String>,
    /// What was paid for this place, after discount.
    pub price_minor: i64,
    pub currency: String,
    pub status: TicketStatus,
    pub checked_in_at: Option<DateTime<Utc>>,
    pub checked_in_gate: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AttendeesPage {
    pub items: Vec<Attendee>,
    pub page: u32,
    pub per_page: u32,
    pub total: i64,
}

/// The event's orders, newest first.
#[utoipa::path(get, path = "/api/sales/events/{id}/orders", tag = "reports",
    params(("id" = Uuid, Path, description = "the event"), ReportQuery),
    responses(
        (status = 200, description = "a page of orders as JSON, or every matching order as CSV \
            (one row per order; `Accept: text/csv`)",
            content((OrdersPage = "application/json"), (String = "text/csv"))),
        (status = 401, description = "not signed in"),
        (status = 403, description = "staff of the event's organisation: orders are for its organisers"),
        (status = 404, description = "no such event, or not an event of an organisation you belong to"),
        (status = 422, description = "a status, page or per_page out of range")),
    security(("bearer" = [])))]
pub async fn event_orders(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
    Path(event_id): Path<Uuid>,
    Query(query): Query<ReportQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let filter = query.filter(OrderStatus::ALL)?;
    let (page, per_page) = query.page()?;
    may_read_reports(&state, &principal, event_id).await?;
    if wants_csv(&headers) {
        let rows = reports::orders(&state.pool, event_id, filter, None, 0).await?;
        return Ok(csv_response(
            &format!("orders-{event_id}.csv"),
            &orders_csv(&rows),
        ));
    }
    let offset = i64::from(page - 1) * i64::from(per_page);
    let rows = reports::orders(
        &state.pool,
        event_id,
        filter,
        Some(i64::from(per_page)),
        offset,
    )
    .await?;
    let total = reports::count_orders(&state.pool, event_id, filter).await?;
    Ok(Json(OrdersPage {
        items: rows.into_iter().map(OrderReport::from).collect(),
        page,
        per_page,
        total,
    })
    .into_response())
}

/// The event's tickets, one per row, by session, block and seat.
#[utoipa::path(get, path = "/api/sales/events/{id}/attendees", tag = "reports",
    params(("id" = Uuid, Path, description = "the event"), ReportQuery),
    responses(
        (status = 200, description = "a page of tickets as JSON, or every matching ticket as CSV \
            (`Accept: text/csv`)",
            content((AttendeesPage = "application/json"), (String = "text/csv"))),
        (status = 401, description = "not signed in"),
        (status = 403, description = "staff of the event's organisation: attendee lists are for its organisers"),
        (status = 404, description = "no such event, or not an event of an organisation you belong to"),
        (status = 422, description = "a status, page or per_page out of range")),
    security(("bearer" = [])))]
pub async fn event_attendees(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
    Path(event_id): Path<Uuid>,
    Query(query): Query<ReportQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let filter = query.filter(TicketStatus::ALL)?;
    let (page, per_page) = query.page()?;
    may_read_reports(&state, &principal, event_id).await?;
    let csv = wants_csv(&headers);
    let (limit, offset) = if csv {
        (None, 0)
    } else {
        (
            Some(i64::from(per_page)),
            i64::from(page - 1) * i64::from(per_page),
        )
    };
    let rows = reports::attendees(&state.pool, event_id, filter, limit, offset).await?;
    let attendees = with_place_labels(&state, rows).await;
    if csv {
        return Ok(csv_response(
            &format!("attendees-{event_id}.csv"),
            &attendees_csv(&attendees),
        ));
    }
    let total = reports::count_attendees(&state.pool, event_id, filter).await?;
    Ok(Json(AttendeesPage {
        items: attendees,
        page,
        per_page,
        total,
    })
    .into_response())
}

async fn may_read_reports(
    state: &AppState,
    principal: &Principal,
    event_id: Uuid,
) -> Result<(), ApiError> {
    let organisation = reports::organisation_of_event(&state.pool, event_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    // Other organisations' events do not exist, as far as the caller can tell.
    if !may_check_in(&state.pool, principal, organisation).await? {
        return Err(ApiError::NotFound);
    }
    if !may_manage_sales(&state.pool, principal, organisation).await? {
        return Err(ApiError::Forbidden(
            "orders and attendees are for the event's organisers",
        ));
    }
    Ok(())
}

fn wants_csv(headers: &HeaderMap) -> bool {
    headers
        .get_all(ACCEPT)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|media| {
            media
                .split(';')
                .next()
                .is_some_and(|kind| kind.trim().eq_ignore_ascii_case("text/csv"))
        })
}

fn csv_response(file_name: &str, body: &str) -> Response {
    let mut response = body.to_owned().into_response();
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\"")) {
        headers.insert(CONTENT_DISPOSITION, value);
    }
    response
}

impl From<OrderReportRow> for OrderReport {
    fn from(row: OrderReportRow) -> Self {
        Self {
            order_id: row.order_id,
            session_id: row.session_id,
            session_starts_at: row.session_starts_at,
            buyer_name: row.buyer_name,
            buyer_email: row.buyer_email,
            status: row.status,
            places: row.places,
            currency: row.currency,
            subtotal_minor: row.subtotal_minor,
            discount_minor: row.discount_minor,
            total_minor: row.total_minor,
            discount_code: row.discount_code,
            created_at: row.created_at,
            paid_at: row.paid_at,
        }
    }
}

/// Seat labels (or standing areas' names) from each session's map, read once per session.
async fn with_place_labels(state: &AppState, rows: Vec<AttendeeRow>) -> Vec<Attendee> {
    let mut maps: HashMap<Uuid, Option<Arc<SeatMap>>> = HashMap::new();
    let mut attendees = Vec::with_capacity(rows.len());
    for row in rows {
        if let std::collections::hash_map::Entry::Vacant(entry) = maps.entry(row.session_id) {
            let map = sessions::load(&state.pool, &state.seat_maps, row.session_id)
                .await
                .ok()
                .map(|session| session.map);
            entry.insert(map);
        }
        let map = maps.get(&row.session_id).and_then(Option::as_ref);
        let place_label = map.and_then(|map| match &row.seat_id {
            Some(seat_id) => map.seats.get(seat_id).map(|seat| seat.label.clone()),
            None => match map.layout.block(&row.block_id) {
                Some(Block::Standing(area)) => Some(area.name.clone()),
                _ => None,
            },
        });
        attendees.push(Attendee {
            ticket_id: row.ticket_id,
            order_id: row.order_id,
            session_id: row.session_id,
            session_starts_at: row.session_starts_at,
            buyer_name: row.buyer_name,
            buyer_email: row.buyer_email,
            holder_name: row.holder_name,
            seat_id: row.seat_id,
            place_label,
            block_id: row.block_id,
            tier_id: row.tier_id,
            tier_name: row.tier_name,
            price_minor: row.price_minor,
            currency: row.currency,
            status: row.status,
            checked_in_at: row.checked_in_at,
            checked_in_gate: row.checked_in_gate,
        });
    }
    attendees
}

fn timestamp(at: Option<DateTime<Utc>>) -> String {
    at.map(|at| at.to_rfc3339_opts(SecondsFormat::Secs, true))
        .unwrap_or_default()
}

/// An amount in major units with the currency's decimals, e.g. `12.50` or `1500` (JPY).
fn amount(minor: i64, currency: &str) -> String {
    let exponent = Currency::parse(currency.trim()).map_or(2, |currency| currency.exponent());
    if exponent == 0 {
        return minor.to_string();
    }
    let scale = 10i64.pow(u32::from(exponent));
    let sign = if minor < 0 { "-" } else { "" };
    let magnitude = minor.unsigned_abs();
    let scale = scale.unsigned_abs();
    format!(
        "{sign}{}.{:0width$}",
        magnitude / scale,
        magnitude % scale,
        width = usize::from(exponent)
    )
}

fn orders_csv(rows: &[OrderReportRow]) -> String {
    let mut table = csv::Table::new(&[
        "order_id",
        "session_starts_at",
        "buyer_name",
        "buyer_email",
        "status",
        "places",
        "currency",
        "subtotal",
        "discount",
        "total",
        "discount_code",
        "ordered_at",
        "paid_at",
    ]);
    for row in rows {
        table.row(&[
            &row.order_id.to_string(),
            &timestamp(row.session_starts_at),
            &row.buyer_name,
            &row.buyer_email,
            row.status.as_str(),
            &row.places.to_string(),
            &row.currency,
            &amount(row.subtotal_minor, &row.currency),
            &amount(row.discount_minor, &row.currency),
            &amount(row.total_minor, &row.currency),
            row.discount_code.as_deref().unwrap_or_default(),
            &timestamp(Some(row.created_at)),
            &timestamp(row.paid_at),
        ]);
    }
    table.finish()
}

fn attendees_csv(rows: &[Attendee]) -> String {
    let mut table = csv::Table::new(&[
        "order_id",
        "ticket_id",
        "session_starts_at",
        "buyer_name",
        "buyer_email",
        "ticket_holder",
        "seat",
        "block",
        "tier",
        "price_paid",
        "currency",
        "status",
        "checked_in",
        "checked_in_at",
        "gate",
    ]);
    for row in rows {
        table.row(&[
            &row.order_id.to_string(),
            &row.ticket_id.to_string(),
            &timestamp(row.session_starts_at),
            &row.buyer_name,
            &row.buyer_email,
            &row.holder_name,
            row.place_label.as_deref().unwrap_or_default(),
            &row.block_id,
            row.tier_name.as_deref().unwrap_or_default(),
            &amount(row.price_minor, &row.currency),
            &row.currency,
            row.status.as_str(),
            if row.checked_in_at.is_some() {
                "yes"
            } else {
                "no"
            },
            &timestamp(row.checked_in_at),
            row.checked_in_gate.as_deref().unwrap_or_default(),
        ]);
    }
    table.finish()
}

/// RFC 4180 CSV that spreadsheets open safely.
pub mod csv {
    /// A table written row by row; `finish` gives the document.
    pub struct Table {
        out: String,
    }

    impl Table {
        pub fn new(header: &[&str]) -> Self {
            // A byte-order mark, so spreadsheet programs read UTF-8 names as UTF-8.
            let mut table = Self {
                out: String::from("\u{feff}"),
            };
            table.row(header);
            table
        }

        pub fn row(&mut self, cells: &[&str]) {
            for (index, value) in cells.iter().enumerate() {
                if index > 0 {
                    self.out.push(',');
                }
                self.out.push_str(&cell(value));
            }
            self.out.push_str("\r\n");
        }

        pub fn finish(self) -> String {
            self.out
        }
    }

    /// One cell: text a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`,
    /// or a tab or carriage return that hides one) gets a leading `'`, so a buyer's name
    /// cannot run code on the organiser's machine; then quoted when it holds a comma, quote
    /// or line break, or starts or ends with a space.
    pub fn cell(value: &str) -> String {
        let neutral = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
            format!("'{value}")
        } else {
            value.to_owned()
        };
        let needs_quotes = neutral.contains([',', '"', '\n', '\r'])
            || neutral.starts_with(' ')
            || neutral.ends_with(' ');
        if needs_quotes {
            format!("\"{}\"", neutral.replace('"', "\"\""))
        } else {
            neutral
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn plain_text_is_left_alone() {
            assert_eq!(cell("Ada Lovelace"), "Ada Lovelace");
            assert_eq!(cell("B12"), "B12");
            assert_eq!(cell(""), "");
            assert_eq!(cell("12.50"), "12.50");
        }

        #[test]
        fn commas_quotes_and_line_breaks_are_quoted() {
            assert_eq!(cell("Smith, Jo"), "\"Smith, Jo\"");
            assert_eq!(cell("The \"Boss\""), "\"The \"\"Boss\"\"\"");
            assert_eq!(cell("two\nlines"), "\"two\nlines\"");
            assert_eq!(cell(" padded "), "\" padded \"");
        }

        #[test]
        fn formulas_are_neutralised() {
            assert_eq!(
                cell("=HYPERLINK(\"http://x\")"),
                "\"'=HYPERLINK(\"\"http://x\"\")\""
            );
            assert_eq!(cell("+1 555"), "'+1 555");
            assert_eq!(cell("-2+3"), "'-2+3");
            assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
            assert_eq!(cell("\t=1"), "'\t=1");
            assert_eq!(cell("=1,2"), "\"'=1,2\"");
        }

        #[test]
        fn a_table_has_a_byte_order_mark_and_crlf_rows() {
            let mut table = Table::new(&["name", "seat"]);
            table.row(&["=cmd", "A1"]);
            assert_eq!(table.finish(), "\u{feff}name,seat\r\n'=cmd,A1\r\n");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_follow_the_currency_decimals() {
        assert_eq!(amount(1250, "GBP"), "12.50");
        assert_eq!(amount(5, "EUR"), "0.05");
        assert_eq!(amount(1500, "JPY"), "1500");
        assert_eq!(amount(0, "USD"), "0.00");
    }

    #[test]
    fn csv_is_asked_for_by_accept() {
        let mut headers = HeaderMap::new();
        assert!(!wants_csv(&headers));
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        assert!(!wants_csv(&headers));
        headers.insert(
            ACCEPT,
            HeaderValue::from_static("text/csv;q=1, application/json;q=0.5"),
        );
        assert!(wants_csv(&headers));
    }
}
