-- The temp view `located`: where each stored row of every dataset came from (one _locate.sql
-- part each, joined with UNION ALL).
CREATE OR REPLACE TEMP VIEW located AS
{parts}
