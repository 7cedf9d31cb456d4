-- Every row of every returned package (DATA_SPEC 8.6) and what became of it:
-- applied / unchanged / conflict / refused / noted. reports/returns.csv is this table.
CREATE TABLE IF NOT EXISTS returns (
    file_id      BIGINT,
    package_id   VARCHAR,
    unit_code    VARCHAR,
    unit         VARCHAR,
    sheet        VARCHAR,
    row_no       BIGINT,
    dataset      VARCHAR,
    record_key   VARCHAR,
    column_name  VARCHAR,
    old_value    VARCHAR,
    new_value    VARCHAR,
    result       VARCHAR,
    message      VARCHAR,
    read_at      TIMESTAMP
);
