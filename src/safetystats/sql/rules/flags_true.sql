-- A record qualifies when every flag of the list is true; a blank flag does not qualify
-- (missing, not false); no flags asked: qualifies.
CREATE OR REPLACE MACRO flags_true(flag_map, wanted) AS
    coalesce(list_bool_and(list_transform(wanted, lambda f: coalesce(flag_map[f], false))), true);
