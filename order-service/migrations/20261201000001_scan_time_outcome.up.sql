-- Offline scans whose device clock cannot be true are refused and recorded as such.
alter table ticket_scan drop constraint ticket_scan_outcome;
alter table ticket_scan add constraint ticket_scan_outcome check (outcome in
    ('admitted', 'already_admitted', 'not_valid', 'invalid_code', 'invalid_scan_time',
     'unknown_ticket', 'forbidden'));
