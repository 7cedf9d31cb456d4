-- The rows the cross-dataset checks (sql/checks/) found, kept between validations like
-- gx_failures: a record's result depends on the record, its enterprise's register rows and
-- names, and the settings, so an incremental validation checks only the rows of new files and
-- the records of enterprises that changed in the register, and keeps the rest
-- (store_state checks_file_id, checks_fingerprint).
CREATE TABLE IF NOT EXISTS check_failures (
    dataset       VARCHAR NOT NULL,
    record_key    VARCHAR,
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
