-- A dataset without a curated_<dataset>.sql of its own: its valid rows as they are.
CREATE OR REPLACE TABLE "curated_{dataset}" AS SELECT * FROM "valid_{dataset}";
