-- Bookkeeping tables of the store: what was ingested, and the rows held for the quarantine.
CREATE SEQUENCE IF NOT EXISTS file_id_seq START 1;

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

CREATE TABLE IF NOT EXISTS held_rows (
    file_id   BIGINT NOT NULL,
    dataset   VARCHAR NOT NULL,
    sheet     VARCHAR,
    row_no    BIGINT,
    rule_id   VARCHAR NOT NULL,
    column_name VARCHAR,
    raw_value VARCHAR,
    record    VARCHAR              -- the row as read, JSON
);

CREATE TABLE IF NOT EXISTS store_state (
    name  VARCHAR PRIMARY KEY,
    value VARCHAR
);
