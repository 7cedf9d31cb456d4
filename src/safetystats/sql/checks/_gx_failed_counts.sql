-- Rows failed per expectation of each suite, for the validation report.
SELECT dataset, rule_id, column_name, expectation, count(*) FROM gx_failures GROUP BY ALL
