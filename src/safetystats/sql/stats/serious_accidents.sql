-- The accidents of level $serious_levels (较大 or worse) in each span of A (DATA_SPEC 6.7; the
-- registered stat_spans, period cur) per unit (through the registered unit_tree; ancestor NULL:
-- the total): date, the accident's own unit, enterprise (the record's name, else the
-- register's), level, deaths.
SELECT u.ancestor AS district_code, u.ancestor IS NULL AS is_total, s.span,
       a.accident_id, a.accident_date, a.district_code AS unit_code,
       coalesce(a.enterprise_name, e.enterprise_name) AS enterprise_name,
       a.level, coalesce(a.deaths, 0) AS deaths
FROM curated_accidents a
LEFT JOIN curated_enterprises e ON e.enterprise_id = a.enterprise_id
JOIN stat_spans s ON s.period = 'cur' AND a.accident_date BETWEEN s.start_date AND s.end_date
JOIN (SELECT code, ancestor FROM unit_tree UNION ALL SELECT DISTINCT code, NULL FROM unit_tree) u
  ON u.code = a.district_code
WHERE list_contains($serious_levels, a.level)
ORDER BY district_code NULLS FIRST, s.span, a.accident_date, a.accident_id
