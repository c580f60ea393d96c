drop table scheduled_session;
drop table scheduled_job;
