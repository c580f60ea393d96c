drop index purchase_order_session_paid_idx;
alter table ticket drop column refund_id;
drop table refund;
