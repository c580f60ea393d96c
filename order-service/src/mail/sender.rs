//! Delivers the outbox over SMTP: claim one due mail (skipping rows another replica holds),
//! send it, mark it sent, commit. A failed delivery is tried again later with backoff.

use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use tokio_util::sync::CancellationToken;

use crate::data::mail::{self, OutboxRow};
use crate::mail::compose::{self, ComposedMail};
use crate::state::AppState;

/// Longest wait between two attempts at a mail that keeps failing.
const MAX_BACKOFF_SECS: i64 = 3600;

#[derive(Debug, thiserror::Error)]
pub enum SendError {
    #[error(transparent)]
    Compose(#[from] compose::ComposeError),
    #[error("not a mail address: {0}")]
    Address(#[from] lettre::address::AddressError),
    #[error("cannot build the message: {0}")]
    Message(#[from] lettre::error::Error),
    #[error("the SMTP server refused or did not answer: {0}")]
    Smtp(#[from] lettre::transport::smtp::Error),
}

pub struct MailSender {
    pub state: AppState,
    pub transport: AsyncSmtpTransport<Tokio1Executor>,
    pub from: Mailbox,
    pub poll_interval: Duration,
    pub stop: CancellationToken,
}

impl MailSender {
    pub async fn run(self) {
        loop {
            if let Err(error) = self.send_due().await {
                tracing::warn!(%error, "sending mail failed; trying again");
            }
            tokio::select! {
                () = self.stop.cancelled() => return,
                () = tokio::time::sleep(self.poll_interval) => {}
            }
        }
    }

    /// Sends every mail due now, one transaction each; returns how many went out.
    pub async fn send_due(&self) -> Result<usize, sqlx::Error> {
        let mut sent = 0;
        while !self.stop.is_cancelled() {
            let mut tx = self.state.pool.begin().await?;
            let Some(row) = mail::claim_due(&mut tx).await? else {
                tx.commit().await?;
                break;
            };
            match self.deliver(&row).await {
                Ok(()) => {
                    mail::mark_sent(&mut tx, row.mail_id).await?;
                    metrics::counter!("mails_sent_total", "kind" => row.kind.clone()).increment(1);
                    sent += 1;
                }
                Err(error) => {
                    let wait = 2_i64
                        .saturating_pow(row.attempts.clamp(0, 20) as u32)
                        .min(MAX_BACKOFF_SECS);
                    let at = chrono::Utc::now() + chrono::Duration::seconds(wait);
                    tracing::warn!(mail_id = %row.mail_id, kind = row.kind, %error, retry_at = %at, "mail not delivered; will retry");
                    metrics::counter!("mail_failures_total", "kind" => row.kind.clone())
                        .increment(1);
                    mail::retry_at(&mut tx, row.mail_id, at, &error.to_string()).await?;
                }
            }
            tx.commit().await?;
        }
        Ok(sent)
    }

    async fn deliver(&self, row: &OutboxRow) -> Result<(), SendError> {
        let composed = compose::compose(
            &self.state.pool,
            &self.state.seat_maps,
            &self.state.tickets,
            row,
        )
        .await?;
        let message = message(&self.from, row, composed)?;
        self.transport.send(message).await?;
        Ok(())
    }
}

/// Text and HTML alternatives, the QR images inline in the HTML, and the same images again as
/// attachments to print. The row's id is the Message-ID, so a resend is the same message.
fn message(from: &Mailbox, row: &OutboxRow, mail: ComposedMail) -> Result<Message, SendError> {
    let png = ContentType::parse("image/png").unwrap_or(ContentType::TEXT_PLAIN);
    let alternative = MultiPart::alternative()
        .singlepart(SinglePart::plain(mail.text))
        .singlepart(SinglePart::html(mail.html));
    let body = if mail.images.is_empty() {
        MultiPart::mixed().multipart(alternative)
    } else {
        let mut related = MultiPart::related().multipart(alternative);
        for image in &mail.images {
            related = related.singlepart(
                Attachment::new_inline(image.content_id.clone())
                    .body(image.png.clone(), png.clone()),
            );
        }
        let mut mixed = MultiPart::mixed().multipart(related);
        for image in mail.images {
            mixed = mixed.singlepart(Attachment::new(image.filename).body(image.png, png.clone()));
        }
        mixed
    };
    Ok(Message::builder()
        .from(from.clone())
        .to(row.recipient.parse()?)
        .subject(mail.subject)
        .message_id(Some(format!("<{}@boxoffice>", row.mail_id)))
        .multipart(body)?)
}
