-- Column test: the groups of the unique columns that occur more than once in the table (0: unique).
SELECT count(*) FROM (SELECT {columns} FROM "{table}" GROUP BY ALL HAVING count(*) > 1)
