-- Column test: the values of one column outside the accepted list $accepted (0: none) among
-- {rows}: a table's rows, or the rows an incremental curation rebuilt (the temp table rebuilt).
SELECT count(*) FROM {rows} t WHERE NOT list_contains($accepted, "{column}"::VARCHAR)
