-- Counting a session's valid tickets (its availability, checked after every burst of sales)
-- reads this index alone instead of every ticket of the session's orders.
create index ticket_session_valid_idx on ticket (session_id) where status = 'valid';
