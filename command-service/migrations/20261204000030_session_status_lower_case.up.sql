-- Every status column spells its values in lower case except the session's: rename those so
-- the database agrees with itself. Renaming an enum label keeps its identity, so stored rows,
-- the column default and any index over it stay valid without a rewrite. The APIs keep
-- showing `ON_SALE`; only the column (and so the change stream) says `on_sale`.
alter type session_status rename value 'SCHEDULED' to 'scheduled';
alter type session_status rename value 'ON_SALE' to 'on_sale';
alter type session_status rename value 'CLOSED' to 'closed';
alter type session_status rename value 'CANCELLED' to 'cancelled';
alter type session_status rename value 'SOLD_OUT' to 'sold_out';
