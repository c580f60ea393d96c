-- Mail to buyers, as a transactional outbox: a row is written in the same transaction as the
-- thing it reports (tickets issued, a refund), so no confirmed purchase goes unannounced; a
-- sender delivers due rows over SMTP with retries and marks them sent. Each message carries
-- its row's id as Message-ID, so a resend after a crash mid-delivery is recognisably the same.
create table mail_outbox (
    mail_id uuid primary key,
    kind text not null,
    recipient text not null,
    order_id uuid not null references purchase_order,
    refund_id uuid references refund,
    created_at timestamptz not null default now(),
    attempts integer not null default 0,
    next_attempt_at timestamptz not null default now(),
    sent_at timestamptz,
    last_error text,
    constraint mail_outbox_kind check (kind in ('order_confirmation', 'refund', 'cancellation', 'reminder'))
);
create index mail_outbox_due_idx on mail_outbox (next_attempt_at) where sent_at is null;
create index mail_outbox_order_idx on mail_outbox (order_id);
-- One reminder per order, however often the reminder job runs.
create unique index mail_outbox_one_reminder on mail_outbox (order_id) where kind = 'reminder';
