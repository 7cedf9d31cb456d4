-- The file that enterprise_records was found for (the last validation's): curation reads the
-- table only when it curates since the same file.
CREATE OR REPLACE TEMP TABLE enterprise_records_since AS SELECT $since::BIGINT AS since
