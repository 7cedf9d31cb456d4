-- Missing, not false (DATA_SPEC 6.1): a record's flags (a map name -> BOOLEAN) hold every flag
-- of the list filled in (true or false); no flags asked: filled.
CREATE OR REPLACE MACRO flags_filled(flag_map, wanted) AS
    coalesce(len(list_filter(wanted, lambda f: flag_map[f] IS NULL)) = 0, true);
