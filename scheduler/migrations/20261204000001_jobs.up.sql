-- The scheduler's durable jobs: one row per (session, kind), planned from the session change
-- stream and claimed with FOR UPDATE SKIP LOCKED, so any number of replicas run each job once.
create table scheduled_job (
    session_id uuid not null,
    kind text not null constraint scheduled_job_kind check (kind in ('open_sales', 'close_sales', 'refund_cancelled', 'remind')),
    -- When the plan says the job is due; `run_at` is when it is next tried (later after a
    -- failed attempt).
    due_at timestamptz not null,
    run_at timestamptz not null,
    status text not null default 'pending'
        constraint scheduled_job_status check (status in ('pending', 'done', 'failed')),
    attempts integer not null default 0,
    last_error text,
    done_at timestamptz,
    updated_at timestamptz not null default now(),
    primary key (session_id, kind)
);

create index scheduled_job_runnable on scheduled_job (run_at) where status = 'pending';

-- The newest change of each session the plan was made from: an older or replayed change
-- (at-least-once delivery) never undoes a newer plan.
create table scheduled_session (
    session_id uuid primary key,
    -- Null only when the first change seen was a delete (which carries the key alone).
    event_id uuid,
    source_lsn bigint not null,
    planned_at timestamptz not null default now()
);

create index scheduled_session_event on scheduled_session (event_id);
