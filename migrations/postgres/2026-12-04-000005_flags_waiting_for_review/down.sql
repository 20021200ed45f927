DROP INDEX flags_waiting;
