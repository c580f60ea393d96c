-- Infrastructure tables of the change-data-capture pipeline itself, created before the CDC
-- runner starts. Idempotent: applied on every `stack up`.

-- Rows written by health checks and the pipeline smoke tests to prove Postgres → Debezium →
-- broker end to end.
create table if not exists pipeline_probe (
    pipeline_probe_id uuid primary key,
    note text not null,
    updated_at timestamptz not null default now()
);
-- The projector and the tests read `before` on updates and deletes.
alter table pipeline_probe replica identity full;
