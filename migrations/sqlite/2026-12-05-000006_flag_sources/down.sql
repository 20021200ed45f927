DROP TABLE flag_sources;
