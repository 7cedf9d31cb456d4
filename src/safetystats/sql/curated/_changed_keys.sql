-- The rows of "{dataset}" an incremental curation rebuilds: stored by a file after $since, an
-- error added or lifted by this validation, or an enterprise (by credit code, else by name)
-- that changed in the register (_register_changes.sql).
-- {enterprise}/{enterprise_name}: the column, or NULL when the dataset has none.
CREATE OR REPLACE TEMP TABLE curate_keys AS
SELECT t._key FROM "{dataset}" t WHERE t._file_id > $since
UNION SELECT record_key FROM quarantine_changed WHERE dataset = '{dataset}'
UNION SELECT t._key FROM "{dataset}" t
      WHERE {enterprise} IN (SELECT enterprise_id FROM changed_enterprises)
UNION SELECT t._key FROM "{dataset}" t
      WHERE {enterprise} IS NULL AND name_key({enterprise_name}) IN (SELECT name_key FROM changed_names)
