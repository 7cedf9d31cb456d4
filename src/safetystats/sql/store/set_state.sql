-- Set one named state of the store ($name, $value).
INSERT OR REPLACE INTO store_state VALUES ($name, $value)
