DROP TABLE addenda;
DROP TABLE assessments;
DROP FUNCTION assessments_signed_never_change();
DROP FUNCTION records_never_deleted();
