-- The value (0-30, -1: outside the set) of the character at position i of a credit code (GB 32100-2015), upper case.
CREATE OR REPLACE MACRO credit_char_value(code, i) AS
    strpos('0123456789ABCDEFGHJKLMNPQRTUWXY', upper(substr(code, i, 1))) - 1;
