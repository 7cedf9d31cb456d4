-- Every district value found in the store and the registry unit it resolves to (kept between
-- validations: an incremental one adds the values of the new rows; a new registry or new
-- settings resolve them all again); detail_zh/detail_en say why a value did not resolve
-- (unknown, or which candidates).
CREATE TABLE IF NOT EXISTS district_map (
    value     VARCHAR PRIMARY KEY,   -- a district value as stored (NFKC, trimmed)
    code      VARCHAR,               -- NULL: not resolved
    name      VARCHAR,
    detail_zh VARCHAR,
    detail_en VARCHAR
);
