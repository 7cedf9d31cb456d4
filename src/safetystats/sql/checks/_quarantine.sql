-- Quarantined and warned rows (DATA_SPEC sections 4 and 5), rebuilt by every validation.
CREATE OR REPLACE TABLE quarantine (
    dataset     VARCHAR NOT NULL,
    record_key  VARCHAR,
    file_id     BIGINT,
    file_name   VARCHAR,
    sheet       VARCHAR,
    row_no      BIGINT,
    column_name VARCHAR,
    raw_value   VARCHAR,
    rule_id     VARCHAR NOT NULL,
    severity    VARCHAR NOT NULL,
    message_zh  VARCHAR,
    message_en  VARCHAR,
    source      VARCHAR,         -- 'ingest' (held rows), 'gx' (expectation suites), 'sql' (cross-dataset checks)
    unit_code   VARCHAR,         -- the record's unit (its own district, else its enterprise's), when known
    unit        VARCHAR,
    header      VARCHAR,         -- the column's header as the file wrote it
    dataset_zh  VARCHAR,
    rule_zh     VARCHAR,
    severity_zh VARCHAR
);
