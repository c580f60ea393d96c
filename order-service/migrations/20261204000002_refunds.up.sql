-- Refunds asked for by an organiser (or by a cancelled session): money back for some or all
-- of an order's tickets. The tickets turn `refunded` and their places free in the same
-- transaction that records the refund as `pending`; the money goes back afterwards through the
-- payment provider (the sweeper retries), keyed by the refund's id so it is returned once.
create table refund (
    refund_id uuid primary key,
    order_id uuid not null references purchase_order,
    payment_id uuid not null references payment,
    amount_minor bigint not null,
    currency char(3) not null,
    reason text not null,
    requested_by text not null,
    status text not null default 'pending',
    provider_reference text,
    created_at timestamptz not null default now(),
    refunded_at timestamptz,
    updated_at timestamptz not null default now(),
    version bigint not null default 1,
    constraint refund_status check (status in ('pending', 'refunded')),
    constraint refund_amount_not_negative check (amount_minor >= 0)
);
create index refund_order_idx on refund (order_id);
create index refund_pending_idx on refund (created_at) where status = 'pending';

alter table ticket add column refund_id uuid references refund;

create trigger refund_version before update on refund for each row execute function bump_version();

-- A cancelled session refunds its paid orders page by page.
create index purchase_order_session_paid_idx on purchase_order (session_id, order_id)
    where status in ('paid', 'ticketed');
