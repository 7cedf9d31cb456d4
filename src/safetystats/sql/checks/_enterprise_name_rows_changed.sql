-- The register rows that can hold the names of register_changed in an incremental validation
-- (_fill_enterprise_names.sql): rows stored after file $since, and the rows of the enterprises
-- those names had at the last validation (names_before: a row of an earlier file is as it was
-- then, so its name was counted): by enterprise when a name had one, by name when it had
-- several (_enterprise_name_rows_shared.sql, left out when no name had). Not a name_key of
-- every register row.
SELECT enterprise_name, enterprise_id FROM enterprises WHERE _file_id > $since
UNION ALL
SELECT enterprise_name, enterprise_id FROM enterprises
WHERE enterprise_id IN (SELECT enterprise_id FROM names_before WHERE enterprises = 1)
{shared}
