delete from scheduled_job where kind = 'check_availability';
alter table scheduled_job drop constraint scheduled_job_kind;
alter table scheduled_job add constraint scheduled_job_kind
    check (kind in ('open_sales', 'close_sales', 'refund_cancelled', 'remind'));
