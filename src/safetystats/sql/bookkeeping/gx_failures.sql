-- The rows the expectation suites failed, kept between validations: a row's result depends on
-- the row alone (every expectation is per row), so a validation runs the suites over the rows
-- of the files ingested since the last one and keeps the rest (store_state gx_file_id).
CREATE TABLE IF NOT EXISTS gx_failures (
    dataset       VARCHAR NOT NULL,
    record_key    VARCHAR NOT NULL,
    file_id       BIGINT,
    file_name     VARCHAR,
    sheet         VARCHAR,
    row_no        BIGINT,
    column_name   VARCHAR,
    raw_value     VARCHAR,
    rule_id       VARCHAR NOT NULL,
    source        VARCHAR,
    detail        VARCHAR,
    detail_en     VARCHAR,
    held_district VARCHAR,
    expectation   VARCHAR
);
