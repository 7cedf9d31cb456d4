-- The header each file wrote for each column it filled, as written (for the quarantine list).
CREATE TABLE IF NOT EXISTS file_headers (
    file_id     BIGINT NOT NULL,
    sheet       VARCHAR,
    column_name VARCHAR NOT NULL,
    header      VARCHAR NOT NULL
);
