drop table session_waiting_room;
