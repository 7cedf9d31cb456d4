-- Hazard statistics (DATA_SPEC 6.4, 统计分析机制): hazards found in the calendar year of $as_of up
-- to $as_of, per unit (through the registered unit_tree; ancestor NULL: the total) by industry,
-- and by source and level: found, rectified by $as_of, open at $as_of, overdue at $as_of.
WITH h AS (
    SELECT h.*, coalesce(h.industry, $unspecified) AS industry_shown,
           coalesce(h.source, $unspecified) AS source_shown
    FROM curated_hazards h
    WHERE h.found_date BETWEEN date_trunc('year', $as_of::DATE) AND $as_of
)
SELECT u.ancestor AS district_code, u.ancestor IS NULL AS is_total,
       CASE WHEN grouping(h.industry_shown) = 0 THEN 'industry' ELSE 'source_level' END AS breakdown,
       h.industry_shown AS industry, h.source_shown AS source, h.level AS hazard_level,
       count(*) AS found,
       count(*) FILTER (WHERE h.rectified_date <= $as_of) AS rectified,
       count(*) FILTER (WHERE is_open_at(h.found_date, h.rectified_date, $as_of)) AS open,
       count(*) FILTER (WHERE is_open_at(h.found_date, h.rectified_date, $as_of) AND h.deadline < $as_of)
           AS overdue
FROM h
JOIN (SELECT code, ancestor FROM unit_tree UNION ALL SELECT DISTINCT code, NULL FROM unit_tree) u
  ON u.code = h.district_code
GROUP BY GROUPING SETS ((u.ancestor, h.industry_shown), (u.ancestor, h.source_shown, h.level))
ORDER BY district_code NULLS FIRST, breakdown, industry, source, hazard_level
