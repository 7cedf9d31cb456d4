-- Which enforcement columns (2.10) each unit's inspection records carry, its own and its
-- descendants', at any date (through the registered unit_tree; ancestor NULL: the total): a
-- figure whose column none of them has filled is "—" (null), never 0 (DATA_SPEC 6.8).
SELECT u.ancestor AS district_code, u.ancestor IS NULL AS is_total,
       bool_or(i.unannounced IS NOT NULL) AS unannounced_enforcement,
       bool_or(i.case_filed IS NOT NULL) AS cases_filed,
       bool_or(i.penalty IS NOT NULL) AS penalty,
       bool_or(i.suspension IS NOT NULL) AS suspensions,
       bool_or(i.off_site IS NOT NULL) AS off_site,
       bool_or(i.hazards_found IS NOT NULL) AS hazards_found,
       bool_or(i.major_hazards_found IS NOT NULL) AS major_hazards_found
FROM stat_inspections i
JOIN (SELECT code, ancestor FROM unit_tree UNION ALL SELECT DISTINCT code, NULL FROM unit_tree) u
  ON u.code = i.district_code
GROUP BY u.ancestor
