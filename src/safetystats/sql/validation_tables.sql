-- Tables that validation rebuilds: the district lookup and the quarantine.
CREATE TABLE IF NOT EXISTS district_map (
    value VARCHAR PRIMARY KEY,   -- a district value as stored (NFKC, trimmed)
    code  VARCHAR,               -- NULL: not in the registry
    name  VARCHAR
);

CREATE TABLE IF NOT EXISTS districts (
    code VARCHAR PRIMARY KEY,
    name VARCHAR NOT NULL,
    ordinal INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS quarantine (
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
    source      VARCHAR          -- 'ingest' (held rows), 'gx' (expectation suites), 'sql' (cross-dataset checks)
);
