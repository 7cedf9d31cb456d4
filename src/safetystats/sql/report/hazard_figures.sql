-- Hazard figures reported beside the targets (DATA_SPEC 6.4), as of $as_of, per unit (its
-- records and its descendants', through the registered table unit_tree(code, ancestor)) and
-- for the total (ancestor NULL: every record once). $none_supervision: values that mean none.
WITH h AS (
    SELECT *, is_open_at(found_date, rectified_date, $as_of) AS is_open,
           rectified_date IS NOT NULL AND rectified_date <= $as_of AS is_rectified
    FROM curated_hazards
    WHERE found_date <= $as_of
)
SELECT u.ancestor AS district_code, u.ancestor IS NULL AS is_total,
       count(*) FILTER (WHERE level = 'major') AS major_found,
       count(*) FILTER (WHERE level = 'major' AND is_open) AS major_open,
       count(*) FILTER (WHERE level = 'major' AND is_open AND deadline < $as_of) AS major_overdue,
       count(*) FILTER (WHERE is_open) AS open_all,
       count(*) FILTER (WHERE is_open AND deadline < $as_of) AS overdue_all,
       count(*) FILTER (WHERE is_rectified AND deadline IS NOT NULL) AS rectified_with_deadline,
       count(*) FILTER (WHERE is_rectified AND rectified_date <= deadline) AS rectified_on_time,
       median(rectified_date - found_date) FILTER (WHERE is_rectified) AS median_days_to_rectify,
       count(*) FILTER (WHERE is_open AND supervision IS NOT NULL AND NOT list_contains($none_supervision, supervision))
           AS open_supervised,
       count(*) FILTER (WHERE level = 'major' AND is_open AND five_point_complete) AS major_open_five_complete
FROM h
JOIN (SELECT code, ancestor FROM unit_tree UNION ALL SELECT DISTINCT code, NULL FROM unit_tree) u
  ON u.code = h.district_code
GROUP BY u.ancestor
