-- Named state of the store: when it changed, when it was validated and curated.
CREATE TABLE IF NOT EXISTS store_state (
    name  VARCHAR PRIMARY KEY,
    value VARCHAR
);
