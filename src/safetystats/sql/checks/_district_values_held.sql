-- The district values that rows held at ingestion named (the quarantine gives a held row the
-- unit its value resolves to), joined with UNION to _district_values.sql's parts; every held
-- row's, or (only) those of the rows held from files after $since.
SELECT DISTINCT json_extract_string(record, '$.district') AS v FROM held_rows
WHERE json_extract_string(record, '$.district') IS NOT NULL {only}
