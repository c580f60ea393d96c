delete from ticket_scan where outcome = 'invalid_scan_time';
alter table ticket_scan drop constraint ticket_scan_outcome;
alter table ticket_scan add constraint ticket_scan_outcome check (outcome in
    ('admitted', 'already_admitted', 'not_valid', 'invalid_code', 'unknown_ticket', 'forbidden'));
