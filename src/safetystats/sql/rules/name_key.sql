-- An enterprise name as matched against the register: as read (NFKC, trimmed), no spaces.
CREATE OR REPLACE MACRO name_key(name) AS regexp_replace(name, '\s+', '', 'g');
