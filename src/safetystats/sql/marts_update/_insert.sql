-- The rows of a mart in the scope of an incremental curation, made again (mart_part).
INSERT INTO "{mart}" BY NAME SELECT * FROM mart_part
