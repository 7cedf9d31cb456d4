-- The temp table curated_came_from: the rowids of the curated rows that may be those of the keys
-- an incremental curation rebuilds (changed_staged_{dataset}), found by where a curated row came
-- from (its staged row's _file_id and _row, kept in the curated row) instead of by its key: a
-- key's curated row was made from its staged row when that was stored by a file up to $since,
-- else from a row that a file after $since replaced ("{dataset}_history"). A key stored for the
-- first time (most of a month's rows) has none. Two integer columns read instead of every key's
-- text (at 4x the province, 0.12 s for the hazards' 8 M keys, 0.01 s this way); the rows of
-- another sheet with the same row number are left to _curated_rids.sql, which checks the keys.
CREATE OR REPLACE TEMP TABLE curated_came_from AS
WITH came_from AS (
    SELECT _file_id, _row FROM "changed_staged_{dataset}" WHERE _file_id <= $since
    UNION ALL
    SELECT _file_id, _row FROM "{dataset}_history" WHERE _replaced_by_file_id > $since
)
SELECT c.rowid AS _crid FROM "curated_{dataset}" c
SEMI JOIN came_from f ON f._file_id = c._file_id AND f._row IS NOT DISTINCT FROM c._row
