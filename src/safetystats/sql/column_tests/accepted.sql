-- Column test: the values of one column of a table outside the accepted list $accepted (0: none).
-- The placeholder only: empty (every row), or the rows an incremental curation rebuilt (_only_changed.sql).
SELECT count(*) FROM "{table}" t WHERE NOT list_contains($accepted, "{column}"::VARCHAR) {only}
