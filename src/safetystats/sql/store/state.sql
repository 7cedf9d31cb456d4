-- The store's named state (when it changed, was validated and curated; its schema version).
SELECT name, value FROM store_state
