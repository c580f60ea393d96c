alter type session_status rename value 'scheduled' to 'SCHEDULED';
alter type session_status rename value 'on_sale' to 'ON_SALE';
alter type session_status rename value 'closed' to 'CLOSED';
alter type session_status rename value 'cancelled' to 'CANCELLED';
alter type session_status rename value 'sold_out' to 'SOLD_OUT';
