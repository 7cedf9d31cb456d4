-- Column test: the groups of the unique columns that occur more than once in the table (0: unique).
-- The placeholder groups: empty (every group), or the groups of the rows an incremental curation rebuilt
-- (_changed_groups.sql; the other groups passed before, and blanks fail not_null). The placeholder
-- table: the table, or rebuilt when the unique columns are the rows' key (curate._unique_by_key:
-- an incremental curation replaced every row of the keys it rebuilt, so only they can repeat one).
SELECT count(*) FROM (SELECT {columns} FROM "{table}" t {groups} GROUP BY ALL HAVING count(*) > 1)
