-- The register's enterprises by normalised name (built by validate, kept between validations:
-- an incremental one redoes only the names of the enterprises that changed): a record that
-- names its enterprise without a credit code is matched here; a name of several enterprises
-- matches none.
CREATE TABLE IF NOT EXISTS enterprise_names (
    name_key      VARCHAR PRIMARY KEY,
    enterprise_id VARCHAR,            -- NULL when the name is ambiguous
    enterprises   INTEGER NOT NULL
);
