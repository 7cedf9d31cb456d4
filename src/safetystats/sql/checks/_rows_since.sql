-- One dataset's part of incremental_cost's count: its stored rows, and those of the files after
-- $since (read by _file_id: DuckDB skips the row groups of older files).
SELECT '{dataset}' AS dataset, (SELECT count(*) FROM "{dataset}") AS stored,
       (SELECT count(*) FROM "{dataset}" WHERE _file_id > $since) AS new
