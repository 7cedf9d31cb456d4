-- Column test: the blank values of one column of a table (0: none).
-- The placeholder only: empty (every row), or the rows an incremental curation rebuilt (_only_changed.sql).
SELECT count(*) FROM "{table}" t WHERE "{column}" IS NULL {only}
