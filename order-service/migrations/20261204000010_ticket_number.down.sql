alter table ticket drop column ticket_number;
drop function ticket_number_new();
