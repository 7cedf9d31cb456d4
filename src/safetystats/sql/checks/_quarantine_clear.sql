-- The quarantine emptied before this validation's rows are stored (see _quarantine_fill.sql).
DELETE FROM quarantine
