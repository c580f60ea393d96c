-- A short number for every ticket that a person can read out or type at a gate: 12 symbols
-- of Crockford's base32 (no I, L, O or U), 60 random bits, so numbers cannot be guessed and a
-- mistyped one names no ticket. Stored without the dashes it is shown with.
create function ticket_number_new() returns text
language plpgsql volatile as $$
declare
    alphabet constant text := '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
    candidate text;
    random_bytes bytea;
begin
    loop
        -- The version and variant bits of a v4 UUID sit in bytes 6 and 8: skip them.
        random_bytes := uuid_send(gen_random_uuid());
        select string_agg(substr(alphabet, get_byte(random_bytes, position) % 32 + 1, 1), ''
                          order by ordinal)
          into candidate
          from unnest(array[0, 1, 2, 3, 4, 5, 7, 9, 10, 11, 12, 13])
               with ordinality as byte(position, ordinal);
        exit when not exists (select 1 from ticket where ticket_number = candidate);
    end loop;
    return candidate;
end;
$$;

alter table ticket add column ticket_number text;
update ticket set ticket_number = ticket_number_new();
alter table ticket
    alter column ticket_number set not null,
    alter column ticket_number set default ticket_number_new(),
    add constraint ticket_number_format check (ticket_number ~ '^[0-9A-HJKMNP-TV-Z]{12}$'),
    add constraint ticket_number_key unique (ticket_number);
