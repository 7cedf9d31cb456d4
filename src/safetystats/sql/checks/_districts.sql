-- The registry's units in registry order, with their parents and levels (rebuilt by validate).
CREATE OR REPLACE TABLE districts (
    code    VARCHAR PRIMARY KEY,
    name    VARCHAR NOT NULL,
    parent  VARCHAR,
    level   INTEGER NOT NULL,
    ordinal INTEGER NOT NULL
);
