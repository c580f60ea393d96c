-- A session's waiting room for flash sales: off unless an organiser turns it on. The room
-- opens `opens_minutes_before_sale` before the session's sales_start_at; order-service reads
-- this row to decide whether holds need an admission pass and how fast to admit.
create table session_waiting_room (
    session_id uuid primary key references session on delete cascade,
    enabled boolean not null default false,
    admit_per_minute integer not null,
    opens_minutes_before_sale integer not null,
    pass_minutes integer not null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    version bigint not null default 1,
    constraint session_waiting_room_rate check (admit_per_minute between 1 and 100000),
    constraint session_waiting_room_opens check (opens_minutes_before_sale between 0 and 1440),
    constraint session_waiting_room_pass check (pass_minutes between 1 and 120)
);
create trigger session_waiting_room_version before update on session_waiting_room for each row execute function bump_version();
