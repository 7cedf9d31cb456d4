-- The rows the suites run over this time: every row of a file ingested after file $since
-- (new rows, and rows a later file replaced); their earlier failures are dropped. A validation
-- of every row makes it with _revalidated_kept.sql instead.
CREATE OR REPLACE TEMP TABLE revalidated AS
SELECT dataset, _key FROM located WHERE _file_id > $since
