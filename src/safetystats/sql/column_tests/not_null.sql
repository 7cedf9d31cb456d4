-- Column test: the blank values of one column (0: none) among {rows}: a table's rows, or the
-- rows an incremental curation rebuilt (the temp table rebuilt).
SELECT count(*) FROM {rows} t WHERE "{column}" IS NULL
