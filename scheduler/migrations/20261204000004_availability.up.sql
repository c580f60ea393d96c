-- A session's availability is checked after its tickets change, so sales stop showing as open
-- when nothing is left (SOLD_OUT) and come back when a refund frees places.
alter table scheduled_job drop constraint scheduled_job_kind;
alter table scheduled_job add constraint scheduled_job_kind
    check (kind in ('open_sales', 'close_sales', 'refund_cancelled', 'remind', 'check_availability'));
