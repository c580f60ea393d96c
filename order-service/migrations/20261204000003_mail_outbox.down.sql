drop table mail_outbox;
