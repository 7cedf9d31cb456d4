-- One row per ingested file version (DATA_SPEC section 5).
CREATE TABLE IF NOT EXISTS ingest_files (
    file_id        BIGINT PRIMARY KEY,
    path           VARCHAR NOT NULL,
    file_name      VARCHAR NOT NULL,
    sheet          VARCHAR,            -- comma-separated sheets read
    sha256         VARCHAR NOT NULL,
    dataset        VARCHAR,            -- comma-separated datasets found
    encoding       VARCHAR,
    rows_read      BIGINT,
    rows_stored    BIGINT,
    rows_held      BIGINT,
    rows_skipped   BIGINT,
    title_rows     BIGINT,
    is_sample      BOOLEAN,
    ingested_at    TIMESTAMP NOT NULL,
    ingested_on    DATE NOT NULL
);
