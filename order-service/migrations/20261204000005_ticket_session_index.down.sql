drop index ticket_session_valid_idx;
