//! What a queued mail says: rendered when it is sent, from the order as it stands, with the
//! HTML and plain-text templates under `templates/mail/`.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use minijinja::{Environment, context};
use serde::Serialize;
use shared_dto::money::{Currency, Money};
use shared_dto::status::TicketStatus;
use sqlx::PgPool;

use crate::data::mail::{self, MailKind, OutboxRow};
use crate::data::tickets::StoredTicket;
use crate::data::{orders, refunds, sessions, tickets};
use crate::mail::qr_png;
use crate::signing::TicketSigner;
use crate::ticket_number;

#[derive(Debug, thiserror::Error)]
pub enum ComposeError {
    #[error("the mail's {0} is gone")]
    Missing(&'static str),
    #[error("a template failed: {0}")]
    Template(#[from] minijinja::Error),
    #[error(transparent)]
    QrImage(#[from] qr_png::QrImageError),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

pub struct InlineImage {
    pub content_id: String,
    pub filename: String,
    pub png: Vec<u8>,
}

pub struct ComposedMail {
    pub subject: String,
    pub text: String,
    pub html: String,
    /// Shown in the HTML by `cid:` and attached for printing.
    pub images: Vec<InlineImage>,
}

#[derive(Serialize)]
struct TicketLine {
    number: String,
    place: String,
    tier: String,
    price: String,
    qr_cid: Option<String>,
}

fn templates() -> Environment<'static> {
    let mut templates = Environment::new();
    templates.set_auto_escape_callback(|name| {
        if name.ends_with(".html") {
            minijinja::AutoEscape::Html
        } else {
            minijinja::AutoEscape::None
        }
    });
    for (name, source) in [
        (
            "order_confirmation.txt",
            include_str!("../../templates/mail/order_confirmation.txt"),
        ),
        (
            "order_confirmation.html",
            include_str!("../../templates/mail/order_confirmation.html"),
        ),
        (
            "refund.txt",
            include_str!("../../templates/mail/refund.txt"),
        ),
        (
            "refund.html",
            include_str!("../../templates/mail/refund.html"),
        ),
    ] {
        // The templates are part of the binary; one that does not parse fails every test.
        if let Err(error) = templates.add_template(name, source) {
            tracing::error!(name, %error, "a mail template does not parse");
        }
    }
    templates
}

/// A short, readable order number from the order's id (as printed on tickets and refunds).
pub fn order_number(order_id: uuid::Uuid) -> String {
    let simple = order_id.simple().to_string().to_uppercase();
    format!("BX-{}", &simple[simple.len() - 10..])
}

fn money(amount_minor: i64, currency: &str) -> String {
    match Currency::parse(currency) {
        Ok(currency) => Money::new(amount_minor, currency).to_string(),
        Err(_) => format!("{amount_minor} {currency}"),
    }
}

/// The start of the performance in the venue's own time (online sessions: UTC).
fn local_time(at: DateTime<Utc>, timezone: Option<&str>) -> String {
    match timezone.and_then(|zone| zone.parse::<chrono_tz::Tz>().ok()) {
        Some(zone) => at
            .with_timezone(&zone)
            .format(&format!("%A %-d %B %Y, %H:%M ({zone})"))
            .to_string(),
        None => at.format("%A %-d %B %Y, %H:%M UTC").to_string(),
    }
}

pub async fn compose(
    pool: &PgPool,
    seat_maps: &sessions::SeatMapCache,
    signer: &TicketSigner,
    mail: &OutboxRow,
) -> Result<ComposedMail, ComposeError> {
    let kind = MailKind::parse(&mail.kind).ok_or(ComposeError::Missing("kind"))?;
    let order = orders::find(pool, mail.order_id)
        .await?
        .ok_or(ComposeError::Missing("order"))?;
    let mut conn = pool.acquire().await?;
    let facts = mail::event_facts(&mut conn, order.session_id)
        .await?
        .ok_or(ComposeError::Missing("session"))?;
    let tiers: HashMap<_, _> = mail::tier_names(&mut conn, order.order_id)
        .await?
        .into_iter()
        .collect();
    let all_tickets = tickets::of_order(&mut *conn, order.order_id).await?;
    drop(conn);
    let map = sessions::load(pool, seat_maps, order.session_id)
        .await
        .ok()
        .map(|session| session.map);
    let line = |ticket: &StoredTicket, qr_cid: Option<String>| TicketLine {
        number: ticket_number::display(&ticket.ticket_number),
        place: match &ticket.seat_id {
            Some(seat) => map
                .as_ref()
                .and_then(|map| map.seats.get(seat))
                .map_or_else(
                    || format!("Seat {seat}"),
                    |info| format!("Seat {}", info.label),
                ),
            None => "Standing".to_owned(),
        },
        tier: tiers.get(&ticket.tier_id).cloned().unwrap_or_default(),
        price: money(ticket.price_minor, &ticket.currency),
        qr_cid,
    };
    let venue = facts
        .venue_name
        .as_ref()
        .map(|name| match &facts.venue_city {
            Some(city) => format!("{name}, {city}"),
            None => name.clone(),
        });
    let starts_at = local_time(facts.starts_at, facts.timezone.as_deref());
    let number = order_number(order.order_id);
    let templates = templates();
    match kind {
        MailKind::OrderConfirmation | MailKind::Reminder => {
            let mut images = Vec::new();
            let mut lines = Vec::new();
            // Only tickets that still admit get a code (one refunded meanwhile does not).
            for ticket in all_tickets
                .iter()
                .filter(|ticket| ticket.status == TicketStatus::Valid)
            {
                let cid = match signer.code(ticket) {
                    Some(code) => {
                        let content_id = format!("ticket-{}@boxoffice", ticket.ticket_id.simple());
                        images.push(InlineImage {
                            content_id: content_id.clone(),
                            filename: format!(
                                "ticket-{}.png",
                                &ticket.ticket_id.simple().to_string()[..12]
                            ),
                            png: qr_png::render(&code)?,
                        });
                        Some(content_id)
                    }
                    None => None,
                };
                lines.push(line(ticket, cid));
            }
            let reminder = kind == MailKind::Reminder;
            let values = context! {
                buyer_name => order.buyer_name,
                event_title => facts.event_title,
                starts_at => starts_at,
                venue => venue,
                order_number => number,
                total => money(order.total_minor, &order.currency),
                tickets => lines,
                reminder => reminder,
            };
            let subject = if reminder {
                format!("Tomorrow: {} — your tickets ({number})", facts.event_title)
            } else {
                format!("Your tickets for {} ({number})", facts.event_title)
            };
            Ok(ComposedMail {
                subject,
                text: templates
                    .get_template("order_confirmation.txt")?
                    .render(&values)?,
                html: templates
                    .get_template("order_confirmation.html")?
                    .render(&values)?,
                images,
            })
        }
        MailKind::Refund | MailKind::Cancellation => {
            let refund_id = mail.refund_id.ok_or(ComposeError::Missing("refund"))?;
            let refund = refunds::find(pool, refund_id)
                .await?
                .ok_or(ComposeError::Missing("refund"))?;
            let lines: Vec<TicketLine> = all_tickets
                .iter()
                .filter(|ticket| ticket.refund_id == Some(refund_id))
                .map(|ticket| line(ticket, None))
                .collect();
            let cancelled = kind == MailKind::Cancellation;
            let values = context! {
                buyer_name => order.buyer_name,
                event_title => facts.event_title,
                starts_at => starts_at,
                order_number => number,
                amount => money(refund.amount_minor, &refund.currency),
                reason => refund.reason,
                cancelled => cancelled,
                tickets => lines,
            };
            let subject = if cancelled {
                format!(
                    "Cancelled: {} — your order {number} is refunded",
                    facts.event_title
                )
            } else {
                format!("Your refund for {} ({number})", facts.event_title)
            };
            Ok(ComposedMail {
                subject,
                text: templates.get_template("refund.txt")?.render(&values)?,
                html: templates.get_template("refund.html")?.render(&values)?,
                images: Vec::new(),
            })
        }
    }
}
