-- Ids of ingested file versions.
CREATE SEQUENCE IF NOT EXISTS file_id_seq START 1;
