DROP TABLE addenda;
DROP TABLE assessments;
