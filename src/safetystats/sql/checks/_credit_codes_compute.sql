-- Credit codes checked for the first time, in SQL: those of 18 ASCII letters and digits (the
-- macro credit_code_expected); the others are checked in Python (_unchecked_other_codes.sql).
INSERT INTO credit_codes_checked
SELECT enterprise_id, credit_code_expected(enterprise_id)
FROM unchecked_codes
WHERE regexp_full_match(enterprise_id, '[0-9A-Za-z]{18}')
