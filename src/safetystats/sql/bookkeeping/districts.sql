-- The registry's units in registry order (built by validate).
CREATE TABLE IF NOT EXISTS districts (
    code VARCHAR PRIMARY KEY,
    name VARCHAR NOT NULL,
    ordinal INTEGER NOT NULL
);
