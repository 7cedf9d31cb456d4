-- A dataset without a curated_<dataset>.sql of its own: its valid rows as they are.
SELECT * FROM "valid_{dataset}"
