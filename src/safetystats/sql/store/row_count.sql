-- The rows of one table (a dataset, curated table or mart, named by the code).
SELECT count(*) FROM "{table}"
