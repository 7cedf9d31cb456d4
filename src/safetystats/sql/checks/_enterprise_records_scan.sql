-- One dataset's records of the enterprises and names of register_known (a scan of its
-- enterprise columns: only when the register's rows of known enterprises changed).
-- {enterprise}/{enterprise_name}: the column, or NULL when the dataset has none.
SELECT '{dataset}' AS dataset, t._key FROM "{dataset}" t
WHERE {enterprise} IN (SELECT enterprise_id FROM register_known)
   OR ({enterprise} IS NULL
       AND name_key({enterprise_name}) IN (SELECT name_key FROM register_known))
