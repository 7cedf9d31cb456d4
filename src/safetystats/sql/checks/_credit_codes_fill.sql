-- Credit codes checked for the first time (new_rows: enterprise_id, expected).
INSERT INTO credit_codes_checked SELECT * FROM new_rows
