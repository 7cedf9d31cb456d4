-- A store set aside (ingest --rebuild), read-only as `before`; {path}: its path as an SQL string.
ATTACH {path} AS before (READ_ONLY)
