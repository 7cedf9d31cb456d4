-- Data freshness (DATA_SPEC 6.4): per unit (through the registered unit_tree; ancestor NULL:
-- the total) and dataset, the latest record date on or before $as_of.
WITH latest AS (
    SELECT 'hazards' AS dataset, district_code, max(found_date) AS latest FROM curated_hazards
    WHERE found_date <= $as_of GROUP BY ALL
    UNION ALL SELECT 'drills', district_code, max(drill_date) FROM curated_drills
    WHERE drill_date <= $as_of GROUP BY ALL
    UNION ALL SELECT 'training_counts', district_code, max(least(last_day(month), $as_of::DATE)) FROM curated_training_counts
    WHERE month <= $as_of GROUP BY ALL
    UNION ALL SELECT 'accidents', district_code, max(accident_date) FROM curated_accidents
    WHERE accident_date <= $as_of GROUP BY ALL
    UNION ALL SELECT 'inspections', district_code, max(inspection_date) FROM curated_inspections
    WHERE inspection_date <= $as_of GROUP BY ALL
)
SELECT u.ancestor AS district_code, u.ancestor IS NULL AS is_total, l.dataset, max(l.latest) AS latest
FROM latest l
JOIN (SELECT code, ancestor FROM unit_tree UNION ALL SELECT DISTINCT code, NULL FROM unit_tree) u
  ON u.code = l.district_code
GROUP BY ALL
ORDER BY district_code NULLS FIRST, dataset
