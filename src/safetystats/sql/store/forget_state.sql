-- Forget named state of the store ($names), so that the steps it records run again in full.
DELETE FROM store_state WHERE list_contains($names, name)
