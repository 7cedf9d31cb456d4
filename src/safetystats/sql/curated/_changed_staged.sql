-- The temp table changed_staged_{dataset}: the staged rows of "{dataset}" an incremental
-- curation rebuilds (curate_keys, by rowid: made in this transaction, which does not write the
-- staged rows), copied so that DuckDB knows how few they are and joins them to the register's
-- tables by probing those (a hash table of the few rows, not of the whole register).
CREATE OR REPLACE TEMP TABLE "changed_staged_{dataset}" AS
SELECT * FROM "{dataset}" WHERE rowid IN (SELECT _rid FROM curate_keys)
