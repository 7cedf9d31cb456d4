-- The unchecked credit codes that are not 18 ASCII letters and digits (spaces, other
-- characters): checked by normalize.credit_code_check, which reads any text.
SELECT enterprise_id FROM unchecked_codes
WHERE NOT regexp_full_match(enterprise_id, '[0-9A-Za-z]{18}')
