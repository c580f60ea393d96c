-- The flash-sale path: orders, payments, tickets and check-in scans, in the same database as
-- the write model they sell from (sessions, layouts, tiers, discounts).
--
-- Redis holds keep buyers from colliding; the partial unique indexes here are the last word
-- against selling a seat twice: `order_item_session_seat_key` over the items of live orders
-- and `ticket_session_seat_key` over valid tickets. Standing areas have the same guarantee
-- through `standing_allocation_within_capacity`.
--
-- Debezium captures every table: each has a primary key, `updated_at`, and a `version` bumped
-- on update by the write model's bump_version() trigger function.

create table purchase_order (
    order_id uuid primary key,
    event_id uuid not null,
    session_id uuid not null,
    hold_token text not null,
    -- The buyer the hold was taken for (`sub:<subject>` or `guest:<id>`).
    hold_buyer text not null,
    -- The OIDC subject of a signed-in buyer; null for a guest checkout.
    customer_subject text,
    -- Who per-customer discount caps count against: `sub:<subject>` or `email:<address>`.
    customer_key text not null,
    buyer_name text not null,
    buyer_email text not null,
    status text not null default 'pending',
    currency char(3) not null,
    subtotal_minor bigint not null,
    discount_minor bigint not null default 0,
    total_minor bigint not null,
    discount_id uuid,
    discount_code text,
    -- When the hold runs out; a pending order past it no longer keeps its places.
    expires_at timestamptz not null,
    paid_at timestamptz,
    ticketed_at timestamptz,
    -- When it expired, was cancelled or was refunded.
    closed_at timestamptz,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    version bigint not null default 1,
    constraint purchase_order_status check
        (status in ('pending', 'paid', 'ticketed', 'expired', 'cancelled', 'refunded')),
    constraint purchase_order_amounts check
        (subtotal_minor >= 0 and discount_minor between 0 and subtotal_minor
         and total_minor = subtotal_minor - discount_minor)
);
-- One live order per hold.
create unique index purchase_order_live_hold_key on purchase_order (hold_token)
    where status in ('pending', 'paid', 'ticketed');
create index purchase_order_customer_idx on purchase_order (customer_subject, created_at desc)
    where customer_subject is not null;
create index purchase_order_due_idx on purchase_order (expires_at) where status = 'pending';

-- One row per seat, or per standing place, of an order.
create table order_item (
    order_item_id uuid primary key,
    order_id uuid not null references purchase_order on delete cascade,
    session_id uuid not null,
    -- Null for a standing place.
    seat_id text,
    block_id text not null,
    tier_id uuid not null,
    -- The tier's price when the order was placed.
    unit_price_minor bigint not null,
    -- This item's share of the order's discount.
    discount_minor bigint not null default 0,
    -- False once the order expired, was cancelled or refunded: the place is free again.
    live boolean not null default true,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    version bigint not null default 1,
    constraint order_item_price check
        (unit_price_minor >= 0 and discount_minor between 0 and unit_price_minor)
);
create unique index order_item_session_seat_key on order_item (session_id, seat_id)
    where live and seat_id is not null;
create index order_item_order_idx on order_item (order_id);
create index order_item_live_standing_idx on order_item (session_id, block_id)
    where live and seat_id is null;

-- Standing places of live orders per area. The check is enforced when places are added:
-- `capacity` is refreshed from the session's layout on every reservation.
create table standing_allocation (
    session_id uuid not null,
    block_id text not null,
    capacity integer not null,
    taken integer not null default 0,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    version bigint not null default 1,
    constraint standing_allocation_pkey primary key (session_id, block_id),
    constraint standing_allocation_within_capacity check (taken between 0 and capacity)
);

-- Uses of each discount held by live orders. The row is the lock that makes the caps exact
-- under concurrent orders.
create table discount_usage (
    discount_id uuid primary key,
    uses integer not null default 0,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    version bigint not null default 1,
    constraint discount_usage_not_negative check (uses >= 0)
);

create table discount_redemption (
    discount_redemption_id uuid primary key,
    discount_id uuid not null,
    order_id uuid not null references purchase_order on delete cascade,
    customer_key text not null,
    amount_minor bigint not null,
    -- reserved when the order is placed, redeemed when it is paid, released when it fails.
    status text not null default 'reserved',
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    version bigint not null default 1,
    constraint discount_redemption_status check (status in ('reserved', 'redeemed', 'released')),
    constraint discount_redemption_order_key unique (order_id)
);
create index discount_redemption_customer_idx on discount_redemption (discount_id, customer_key)
    where status <> 'released';

-- One row per attempt to take the money for an order.
create table payment (
    payment_id uuid primary key,
    order_id uuid not null references purchase_order on delete cascade,
    provider text not null,
    provider_reference text,
    amount_minor bigint not null,
    currency char(3) not null,
    status text not null default 'processing',
    failure_code text,
    failure_message text,
    refund_reference text,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    version bigint not null default 1,
    constraint payment_status check
        (status in ('processing', 'failed', 'succeeded', 'refund_pending', 'refunded'))
);
create unique index payment_one_active_per_order on payment (order_id) where status = 'processing';
create unique index payment_provider_reference_key on payment (provider, provider_reference)
    where provider_reference is not null;
create index payment_order_idx on payment (order_id);
create index payment_unsettled_idx on payment (created_at)
    where status in ('processing', 'refund_pending');

-- The projector's contract: one ticket per seat or standing place sold.
create table ticket (
    ticket_id uuid primary key,
    order_id uuid not null references purchase_order,
    event_id uuid not null,
    session_id uuid not null,
    -- Null for a standing place.
    seat_id text,
    block_id text not null,
    tier_id uuid not null,
    -- What was paid for this place, after discount.
    price_minor bigint not null,
    currency char(3) not null,
    holder_name text not null,
    status text not null default 'valid',
    issued_at timestamptz not null default now(),
    checked_in_at timestamptz,
    checked_in_gate text,
    updated_at timestamptz not null default now(),
    version bigint not null default 1,
    constraint ticket_status check (status in ('valid', 'refunded', 'void')),
    constraint ticket_price_not_negative check (price_minor >= 0)
);
create unique index ticket_session_seat_key on ticket (session_id, seat_id)
    where status = 'valid' and seat_id is not null;
create index ticket_order_idx on ticket (order_id);
alter table ticket replica identity full;

-- Every scan at a gate, and the answer it got; an offline device's replay of a scan it
-- already sent gets the stored answer back.
create table ticket_scan (
    ticket_scan_id uuid primary key,
    -- Null when the code named no ticket we know.
    ticket_id uuid references ticket,
    -- The OIDC subject of the scanning staff member.
    scanned_by text not null,
    -- The device's own id for an offline scan.
    client_scan_id text,
    gate text not null,
    scanned_at timestamptz not null,
    outcome text not null,
    result jsonb not null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    version bigint not null default 1,
    constraint ticket_scan_outcome check (outcome in
        ('admitted', 'already_admitted', 'not_valid', 'invalid_code', 'unknown_ticket', 'forbidden'))
);
create unique index ticket_scan_client_key on ticket_scan (scanned_by, client_scan_id)
    where client_scan_id is not null;
create index ticket_scan_ticket_idx on ticket_scan (ticket_id);

-- `Idempotency-Key`s of order requests, per caller.
create table idempotency_key (
    scope text not null,
    idempotency_key text not null,
    -- SHA-256 of the request body as understood, so a different body under the same key is
    -- recognised.
    request_hash text not null,
    order_id uuid not null references purchase_order deferrable initially deferred,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    version bigint not null default 1,
    constraint idempotency_key_pkey primary key (scope, idempotency_key)
);

create trigger purchase_order_version before update on purchase_order for each row execute function bump_version();
create trigger order_item_version before update on order_item for each row execute function bump_version();
create trigger standing_allocation_version before update on standing_allocation for each row execute function bump_version();
create trigger discount_usage_version before update on discount_usage for each row execute function bump_version();
create trigger discount_redemption_version before update on discount_redemption for each row execute function bump_version();
create trigger payment_version before update on payment for each row execute function bump_version();
create trigger ticket_version before update on ticket for each row execute function bump_version();
create trigger ticket_scan_version before update on ticket_scan for each row execute function bump_version();
create trigger idempotency_key_version before update on idempotency_key for each row execute function bump_version();
