-- Column test: the values of one column of a table outside the accepted list $accepted (0: none).
SELECT count(*) FROM "{table}" WHERE NOT list_contains($accepted, "{column}"::VARCHAR)
