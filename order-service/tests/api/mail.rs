//! Mail to buyers through the real SMTP sink: tickets with their QR codes on purchase, a
//! notice on refund, each mail queued with what it reports and delivered once.

use std::time::Duration;

use mail_parser::{MessageParser, MimeHeaders};
use reqwest::Method;
use serde_json::json;
use test_support::oidc::users;
use test_support::wait_until;
use uuid::Uuid;

use crate::support::{APPROVE, SessionSpec, TestApp, guest, seat, spawn_app};

/// The messages the sink received for `recipient`, once there are `count` of them.
async fn mails(app: &TestApp, recipient: &str, count: usize) -> Vec<Vec<u8>> {
    wait_until(
        &format!("{count} mail(s) to {recipient}"),
        Duration::from_secs(30),
        || async {
            let found = test_support::smtp::messages_to(&app.env.maildir, recipient)
                .expect("the sink's Maildir");
            (found.len() >= count).then_some(found)
        },
    )
    .await
    .0
}

#[tokio::test]
async fn a_purchase_mails_its_tickets_and_a_refund_says_so_each_once() {
    let app = spawn_app().await;
    let session = app.seed(SessionSpec::grid(1, 10)).await;
    app.add_member(session.organisation_id, users::ORGANISER, "organiser")
        .await;
    let recipient = format!("buyer-{}@example.com", Uuid::new_v4().simple());
    let hold = app
        .hold(&session, &[seat('A', 1), seat('A', 2)], &guest(1))
        .await;
    let order = app
        .call(
            Method::POST,
            "/api/sales/orders",
            None,
            Some(json!({
                "hold_token": hold.str("hold_token"),
                "buyer": {"name": "Ada Lovelace", "email": recipient}
            })),
            &[("Idempotency-Key", &Uuid::new_v4().to_string())],
        )
        .await;
    assert_eq!(order.status, 201, "{}", order.body);
    let order_id = order.id("order_id");
    let token = order.str("access_token");
    let paid = app
        .call(
            Method::POST,
            &format!("/api/sales/orders/{order_id}/pay"),
            None,
            Some(json!({"payment_method": APPROVE})),
            &[("Order-Access-Token", &token)],
        )
        .await;
    assert_eq!(paid.body["status"], "ticketed", "{}", paid.body);

    let received = mails(&app, &recipient, 1).await;
    assert_eq!(received.len(), 1);
    let confirmation = MessageParser::default()
        .parse(&received[0])
        .expect("a mail message");
    let subject = confirmation.subject().expect("a subject");
    assert!(
        subject.starts_with("Your tickets for Night at the Harbour"),
        "{subject}"
    );
    let text = confirmation.body_text(0).expect("a plain-text part");
    assert!(text.contains("Hello Ada Lovelace"), "{text}");
    assert!(
        text.contains("Seat A1") && text.contains("Seat A2"),
        "{text}"
    );
    // The number staff can type at the gate when a code will not scan.
    for ticket in paid.body["tickets"].as_array().expect("tickets") {
        let number = ticket["ticket_number"].as_str().expect("a ticket number");
        assert!(
            text.contains(&format!("(ticket {number})")),
            "{number}: {text}"
        );
    }
    let html = confirmation.body_html(0).expect("an HTML part");
    assert!(
        html.contains("cid:ticket-"),
        "the QR codes are shown inline: {html}"
    );
    let images: Vec<_> = confirmation
        .attachments()
        .filter(|part| {
            part.content_type()
                .is_some_and(|kind| kind.subtype() == Some("png"))
        })
        .collect();
    // Each ticket's code inline in the HTML and again as an attachment to print.
    assert_eq!(images.len(), 4, "two tickets, each inline and attached");
    assert!(
        images
            .iter()
            .all(|image| image.contents().starts_with(b"\x89PNG")),
        "PNG images"
    );
    let message_id = confirmation.message_id().expect("a Message-ID").to_owned();

    let organiser = app.token(users::ORGANISER).await;
    let refunded = app
        .call(
            Method::POST,
            &format!("/api/sales/orders/{order_id}/refunds"),
            Some(&organiser),
            Some(json!({"ticket_ids": [paid.body["tickets"][0]["ticket_id"]], "reason": "restricted view"})),
            &[],
        )
        .await;
    assert_eq!(refunded.status, 201, "{}", refunded.body);
    let received = mails(&app, &recipient, 2).await;
    let notice = received
        .iter()
        .map(|raw| MessageParser::default().parse(raw).expect("a mail message"))
        .find(|message| message.message_id() != Some(message_id.as_str()))
        .expect("the refund notice");
    assert!(
        notice
            .subject()
            .is_some_and(|subject| subject.starts_with("Your refund for")),
        "{:?}",
        notice.subject()
    );
    let text = notice.body_text(0).expect("a plain-text part");
    assert!(text.contains("restricted view"), "{text}");
    assert!(
        text.contains("Seat A1") && !text.contains("Seat A2"),
        "{text}"
    );

    // Queued once each, delivered once each (a mail is marked sent just after the sink has
    // it, so the last mark may still be on its way).
    let (outbox, _) = wait_until(
        "both mails marked sent",
        Duration::from_secs(30),
        || async {
            let outbox: Vec<(String, i32, bool)> = sqlx::query_as(
                "select kind, attempts, sent_at is not null from mail_outbox
             where order_id = $1 order by created_at",
            )
            .bind(order_id)
            .fetch_all(&app.pool)
            .await
            .expect("the outbox");
            outbox.iter().all(|(_, _, sent)| *sent).then_some(outbox)
        },
    )
    .await;
    assert_eq!(
        outbox,
        vec![
            ("order_confirmation".to_owned(), 1, true),
            ("refund".to_owned(), 1, true)
        ]
    );
    assert_eq!(
        test_support::smtp::messages_to(&app.env.maildir, &recipient)
            .expect("the Maildir")
            .len(),
        2
    );
}

#[tokio::test]
async fn ticket_holders_are_reminded_once_and_refunded_orders_not_at_all() {
    let app = spawn_app().await;
    let session = app.seed(SessionSpec::grid(1, 10)).await;
    app.add_member(session.organisation_id, users::ORGANISER, "organiser")
        .await;
    let mut recipients = Vec::new();
    let mut orders = Vec::new();
    for n in 1..=3_u32 {
        let recipient = format!("holder-{}@example.com", Uuid::new_v4().simple());
        let hold = app
            .hold(&session, &[seat('A', n)], &guest(n as usize))
            .await;
        let order = app
            .call(
                Method::POST,
                "/api/sales/orders",
                None,
                Some(json!({
                    "hold_token": hold.str("hold_token"),
                    "buyer": {"name": "Holder", "email": recipient}
                })),
                &[("Idempotency-Key", &Uuid::new_v4().to_string())],
            )
            .await;
        let order_id = order.id("order_id");
        let paid = app
            .call(
                Method::POST,
                &format!("/api/sales/orders/{order_id}/pay"),
                None,
                Some(json!({"payment_method": APPROVE})),
                &[("Order-Access-Token", &order.str("access_token"))],
            )
            .await;
        assert_eq!(paid.body["status"], "ticketed", "{}", paid.body);
        recipients.push(recipient);
        orders.push(order_id);
    }
    let organiser = app.token(users::ORGANISER).await;
    let refunded = app
        .call(
            Method::POST,
            &format!("/api/sales/orders/{}/refunds", orders[2]),
            Some(&organiser),
            Some(json!({"reason": "cannot come"})),
            &[],
        )
        .await;
    assert_eq!(refunded.status, 201, "{}", refunded.body);

    let path = format!("/api/sales/sessions/{}/reminders", session.session_id);
    let first = app
        .call(Method::POST, &path, Some(&organiser), None, &[])
        .await;
    assert_eq!(first.status, 200, "{}", first.body);
    assert_eq!(
        first.body["queued"], 2,
        "the refunded order is not reminded"
    );
    let again = app
        .call(Method::POST, &path, Some(&organiser), None, &[])
        .await;
    assert_eq!(again.body["queued"], 0, "nobody is reminded twice");

    // Each holder: the confirmation, then the reminder with the tickets again.
    for recipient in &recipients[..2] {
        let received = mails(&app, recipient, 2).await;
        let reminder = received
            .iter()
            .map(|raw| MessageParser::default().parse(raw).expect("a mail message"))
            .find(|message| {
                message
                    .subject()
                    .is_some_and(|subject| subject.starts_with("Tomorrow: Night at the Harbour"))
            })
            .expect("a reminder");
        assert!(reminder.attachments().count() >= 2, "the ticket's QR code");
    }
    let staff = app.token(users::ATTENDEE).await;
    let refused = app.call(Method::POST, &path, Some(&staff), None, &[]).await;
    assert_eq!(refused.status, 404);
}
