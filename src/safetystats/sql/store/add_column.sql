-- A column this version writes, added (empty) to a table an older version made.
ALTER TABLE "{table}" ADD COLUMN "{column}" {type}
