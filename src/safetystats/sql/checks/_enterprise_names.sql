-- The register's enterprises by normalised name (built by validate): a record that names its
-- enterprise without a credit code is matched here; a name of several enterprises matches none.
CREATE OR REPLACE TABLE enterprise_names (
    name_key      VARCHAR PRIMARY KEY,
    enterprise_id VARCHAR,            -- NULL when the name is ambiguous
    enterprises   INTEGER NOT NULL
);
