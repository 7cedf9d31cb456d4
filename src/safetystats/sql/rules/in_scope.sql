-- Scope filters of a target (DATA_SPEC 6.1): each is NULL (any) or the values that count.
CREATE OR REPLACE MACRO in_scope(wanted, value) AS wanted IS NULL OR list_contains(wanted, value);
