-- An enterprise name as matched against the register: as read (NFKC, trimmed), no spaces
-- (RE2's \s: tab, line feed, form feed, carriage return, space). A name without any is
-- returned as it is, without the replacement (most names: a third of the cost).
CREATE OR REPLACE MACRO name_key(name) AS
    CASE WHEN regexp_matches(name, '\s') THEN regexp_replace(name, '\s+', '', 'g') ELSE name END;
