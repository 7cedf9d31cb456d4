-- Column test: the blank values of one column of a table (0: none).
SELECT count(*) FROM "{table}" WHERE "{column}" IS NULL
