DROP TABLE flag_narrowings;
DROP TABLE flag_referrals;
ALTER TABLE flags DROP COLUMN resolved_as;
ALTER TABLE flags DROP COLUMN confirmed_by;
ALTER TABLE flags DROP COLUMN confirmed_at;
ALTER TABLE flags DROP COLUMN region_unknown;
ALTER TABLE flags DROP COLUMN evidence;
ALTER TABLE flags DROP COLUMN basis;
