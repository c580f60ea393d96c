alter table ticket drop column refund_id;
drop table refund;
