-- The write model: the single source of truth that Debezium streams from.
--
-- Every captured table has a primary key, `updated_at`, and a `version` bumped by a trigger on
-- every update, so projections can drop a replayed or out-of-order change by comparing versions.
-- Replica identity: DEFAULT (key only in `before`) where consumers delete by key; FULL on child
-- tables whose deletes must say which parent document to update (tier, session, discount,
-- organisation_member).
-- Large seat-map layouts live in their own tables so that editing an event's title or a
-- session's status does not ship megabytes of JSON through the change stream.

create function bump_version() returns trigger language plpgsql as $$
begin
    new.version := old.version + 1;
    new.updated_at := now();
    return new;
end;
$$;

create table organisation (
    organisation_id uuid primary key,
    name text not null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    version bigint not null default 1,
    constraint organisation_name_not_blank check (length(trim(name)) between 1 and 200)
);

create type member_role as enum ('organiser', 'staff');

create table organisation_member (
    organisation_id uuid not null references organisation on delete cascade,
    -- Members are invited by email; the OIDC subject is recorded when known.
    email text not null,
    user_subject text,
    role member_role not null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    version bigint not null default 1,
    constraint organisation_member_pkey primary key (organisation_id, email),
    constraint organisation_member_email_lowercase check (email = lower(email))
);
create index organisation_member_email_idx on organisation_member (email);
create index organisation_member_subject_idx on organisation_member (user_subject);
alter table organisation_member replica identity full;

create table category (
    category_id text primary key,
    name text not null,
    updated_at timestamptz not null default now(),
    version bigint not null default 1
);
insert into category (category_id, name) values
    ('music', 'Music'), ('theatre', 'Theatre'), ('comedy', 'Comedy'), ('sport', 'Sport'),
    ('family', 'Family'), ('conference', 'Conference'), ('film', 'Film'), ('festival', 'Festival'),
    ('other', 'Other');

create table venue (
    venue_id uuid primary key,
    organisation_id uuid not null references organisation on delete cascade,
    name text not null,
    address_line text not null,
    city text not null,
    postcode text,
    country char(2) not null,
    latitude double precision not null,
    longitude double precision not null,
    timezone text not null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    version bigint not null default 1,
    constraint venue_latitude_range check (latitude between -90 and 90),
    constraint venue_longitude_range check (longitude between -180 and 180)
);
create index venue_organisation_idx on venue (organisation_id);

create type event_status as enum ('draft', 'published', 'cancelled', 'completed');

create table event (
    event_id uuid primary key,
    organisation_id uuid not null references organisation on delete cascade,
    title text not null,
    description text not null default '',
    category_id text references category,
    cover_image_urls text[] not null default '{}',
    status event_status not null default 'draft',
    published_at timestamptz,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    version bigint not null default 1
);
create index event_organisation_idx on event (organisation_id, created_at desc);

-- The event's seat map, copied into each new session.
create table event_layout (
    event_id uuid primary key references event on delete cascade,
    layout jsonb not null,
    seat_count integer not null,
    standing_capacity integer not null,
    -- Tiers the layout refers to: a tier in use cannot be deleted.
    tier_ids uuid[] not null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    version bigint not null default 1
);
create index event_layout_tier_ids_idx on event_layout using gin (tier_ids);

create table tier (
    tier_id uuid primary key,
    event_id uuid not null references event on delete cascade,
    name text not null,
    colour text not null,
    price_minor bigint not null,
    currency char(3) not null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    version bigint not null default 1,
    constraint tier_price_not_negative check (price_minor >= 0),
    constraint tier_event_name_key unique (event_id, name)
);
alter table tier replica identity full;

create type session_mode as enum ('physical', 'online');
create type session_status as enum ('SCHEDULED', 'ON_SALE', 'CLOSED', 'CANCELLED', 'SOLD_OUT');

create table session (
    session_id uuid primary key,
    event_id uuid not null references event on delete cascade,
    venue_id uuid references venue,
    mode session_mode not null,
    starts_at timestamptz not null,
    ends_at timestamptz not null,
    sales_start_at timestamptz not null,
    sales_end_at timestamptz not null,
    status session_status not null default 'SCHEDULED',
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    version bigint not null default 1,
    constraint session_ends_after_start check (ends_at > starts_at),
    constraint session_sales_window check (sales_end_at > sales_start_at and sales_end_at <= ends_at),
    constraint session_physical_has_venue check (mode = 'online' or venue_id is not null)
);
create index session_event_idx on session (event_id, starts_at);
alter table session replica identity full;

-- A session's own seat map: copied from the event's when the session is created, then free to diverge.
create table session_layout (
    session_id uuid primary key references session on delete cascade,
    layout jsonb not null,
    seat_count integer not null,
    standing_capacity integer not null,
    tier_ids uuid[] not null,
    -- False while the session still follows the event's layout; set once it is edited on its own.
    diverged boolean not null default false,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    version bigint not null default 1
);
create index session_layout_tier_ids_idx on session_layout using gin (tier_ids);

create table seat_map_template (
    seat_map_template_id uuid primary key,
    organisation_id uuid not null references organisation on delete cascade,
    name text not null,
    layout jsonb not null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    version bigint not null default 1,
    constraint seat_map_template_name_key unique (organisation_id, name)
);

create table discount (
    discount_id uuid primary key,
    event_id uuid not null references event on delete cascade,
    -- As entered, and normalised (trimmed, upper case) for case-insensitive uniqueness.
    code text not null,
    code_normalised text not null,
    -- The discount rule as shared-dto's DiscountRule JSON (kind, min spend, tier and session filters).
    rule jsonb not null,
    starts_at timestamptz,
    ends_at timestamptz,
    max_total_uses integer,
    max_uses_per_customer integer,
    is_public boolean not null default false,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    version bigint not null default 1,
    constraint discount_event_code_key unique (event_id, code_normalised),
    constraint discount_window check (ends_at is null or starts_at is null or ends_at > starts_at),
    constraint discount_max_total_uses_positive check (max_total_uses is null or max_total_uses > 0),
    constraint discount_max_per_customer_positive check (max_uses_per_customer is null or max_uses_per_customer > 0)
);
alter table discount replica identity full;

create trigger organisation_version before update on organisation for each row execute function bump_version();
create trigger organisation_member_version before update on organisation_member for each row execute function bump_version();
create trigger category_version before update on category for each row execute function bump_version();
create trigger venue_version before update on venue for each row execute function bump_version();
create trigger event_version before update on event for each row execute function bump_version();
create trigger event_layout_version before update on event_layout for each row execute function bump_version();
create trigger tier_version before update on tier for each row execute function bump_version();
create trigger session_version before update on session for each row execute function bump_version();
create trigger session_layout_version before update on session_layout for each row execute function bump_version();
create trigger seat_map_template_version before update on seat_map_template for each row execute function bump_version();
create trigger discount_version before update on discount for each row execute function bump_version();
