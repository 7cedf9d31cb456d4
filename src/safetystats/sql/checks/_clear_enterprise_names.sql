-- Empty enterprise_names before it is filled again: {only} is empty (every name) or limits
-- the names to those of register_changed.
DELETE FROM enterprise_names WHERE true {only}
