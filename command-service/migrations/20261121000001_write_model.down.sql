drop table if exists discount, seat_map_template, session_layout, session, tier, event_layout,
    event, venue, category, organisation_member, organisation;
drop type if exists session_status, session_mode, event_status, member_role;
drop function if exists bump_version();
