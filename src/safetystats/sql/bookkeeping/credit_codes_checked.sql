-- Every 18-character credit code the check character was computed for (GB 32100-2015), and the
-- character expected when the code's own is wrong (NULL: right). A pure function's results, kept
-- so that a validation computes only the codes it has not seen.
CREATE TABLE IF NOT EXISTS credit_codes_checked (
    enterprise_id VARCHAR PRIMARY KEY,
    expected      VARCHAR
);
