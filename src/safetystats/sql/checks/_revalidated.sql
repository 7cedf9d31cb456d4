-- The rows the suites run over this time: every row of a file ingested after file $since
-- (new rows, and rows a later file replaced); their earlier failures are dropped.
CREATE OR REPLACE TEMP TABLE revalidated AS
SELECT dataset, _key FROM located WHERE $since IS NULL OR _file_id > $since
