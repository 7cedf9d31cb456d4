-- Rows that ingestion could not store by key, held for the quarantine.
CREATE TABLE IF NOT EXISTS held_rows (
    file_id     BIGINT NOT NULL,
    dataset     VARCHAR NOT NULL,
    sheet       VARCHAR,
    row_no      BIGINT,
    rule_id     VARCHAR NOT NULL,
    column_name VARCHAR,
    raw_value   VARCHAR,
    record      VARCHAR              -- the row as read, JSON
);
