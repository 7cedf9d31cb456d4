-- The 18-character credit codes whose check character is wrong, with the one expected.
CREATE OR REPLACE TEMP TABLE bad_check_codes AS
SELECT enterprise_id, expected FROM credit_codes_checked WHERE expected IS NOT NULL
