-- Every district value found in the store and the registry unit it resolves to (built by validate).
CREATE TABLE IF NOT EXISTS district_map (
    value VARCHAR PRIMARY KEY,   -- a district value as stored (NFKC, trimmed)
    code  VARCHAR,               -- NULL: not in the registry
    name  VARCHAR
);
