-- The enterprises of register_known (the register's corrections since the last validation):
-- those whose records a validation finds and checks again.
SELECT count(DISTINCT enterprise_id) FROM register_known
