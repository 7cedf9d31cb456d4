-- The check character an 18-character 统一社会信用代码 should end with when its own is wrong
-- (GB 32100-2015: 31 characters, no I, O, S, V, Z; weights 3^i mod 31), else NULL; NULL also
-- when one of its first 17 characters is outside the set. For codes of 18 ASCII letters and
-- digits (lower case read as upper); normalize.credit_code_check is the same rule for any text.
-- credit_char_value (its own file, created before this one) gives each character's value.
CREATE OR REPLACE MACRO credit_code_expected(code) AS
    CASE WHEN regexp_full_match(upper(substr(code, 1, 17)), '[0-9A-HJ-NP-RTUWXY]{17}') THEN
        nullif(
            substr('0123456789ABCDEFGHJKLMNPQRTUWXY', (31 - (
                   1 * credit_char_value(code, 1) + 3 * credit_char_value(code, 2) + 9 * credit_char_value(code, 3) +
                   27 * credit_char_value(code, 4) + 19 * credit_char_value(code, 5) + 26 * credit_char_value(code, 6) +
                   16 * credit_char_value(code, 7) + 17 * credit_char_value(code, 8) + 20 * credit_char_value(code, 9) +
                   29 * credit_char_value(code, 10) + 25 * credit_char_value(code, 11) + 13 * credit_char_value(code, 12) +
                   8 * credit_char_value(code, 13) + 24 * credit_char_value(code, 14) + 10 * credit_char_value(code, 15) +
                   30 * credit_char_value(code, 16) + 28 * credit_char_value(code, 17)
                ) % 31) % 31 + 1, 1),
            upper(substr(code, 18, 1)))
    END;
