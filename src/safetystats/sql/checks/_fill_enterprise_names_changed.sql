-- Fill enterprise_names for the names of register_changed (emptied before) in an incremental
-- validation, from the register's rows that can hold them: rows stored after file $since, and
-- the rows of the enterprises those names had at the last validation (names_before: a row of
-- an earlier file is as it was then, so its name was counted): by enterprise when a name had
-- one, by name when it had several (_fill_enterprise_names_shared.sql, left out when no name
-- had). Not a name_key of every register row.
INSERT INTO enterprise_names
SELECT name_key, CASE WHEN count(enterprise_id) = 1 THEN any_value(enterprise_id) END,
       count(enterprise_id)
FROM (SELECT DISTINCT name_key(enterprise_name) AS name_key, enterprise_id FROM (
          SELECT enterprise_name, enterprise_id FROM enterprises WHERE _file_id > $since
          UNION ALL
          SELECT enterprise_name, enterprise_id FROM enterprises
          WHERE enterprise_id IN (SELECT enterprise_id FROM names_before WHERE enterprises = 1)
          {shared}
      ) WHERE enterprise_name IS NOT NULL)
WHERE name_key IN (SELECT name_key FROM register_changed)
GROUP BY 1
