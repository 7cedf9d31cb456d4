-- Every district value found in the store and the registry unit it resolves to, rebuilt by
-- validate; detail_zh/detail_en say why a value did not resolve (unknown, or which candidates).
CREATE OR REPLACE TABLE district_map (
    value     VARCHAR PRIMARY KEY,   -- a district value as stored (NFKC, trimmed)
    code      VARCHAR,               -- NULL: not resolved
    name      VARCHAR,
    detail_zh VARCHAR,
    detail_en VARCHAR
);
