-- curated_<dataset> rebuilt from every valid row (the SELECT of curated_<dataset>.sql or the default).
CREATE OR REPLACE TABLE "curated_{dataset}" AS
{select}
