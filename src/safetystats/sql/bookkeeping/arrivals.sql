-- When each unit's returned package or filled template arrived (its first ingest), and when it
-- was due (DATA_SPEC 8.6 "On time"): one row per ingested file that carries our marker.
CREATE TABLE IF NOT EXISTS arrivals (
    file_id     BIGINT,
    kind        VARCHAR,     -- package | template
    unit_code   VARCHAR,
    month       VARCHAR,     -- YYYY-MM the file reports
    due         DATE,
    arrived_at  TIMESTAMP
);
