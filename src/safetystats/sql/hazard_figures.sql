-- Hazard figures reported beside the targets (DATA_SPEC section 6), as of $as_of, per district and total.
-- Open = found by $as_of and not rectified by $as_of. $none_supervision: supervision values that mean none.
WITH h AS (
    SELECT *, found_date <= $as_of AND (rectified_date IS NULL OR rectified_date > $as_of) AS is_open,
           rectified_date IS NOT NULL AND rectified_date <= $as_of AS is_rectified
    FROM curated_hazards
    WHERE found_date <= $as_of
)
SELECT district_code, grouping(district_code) = 1 AS is_total,
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
       count(*) FILTER (WHERE level = 'major' AND is_open AND responsible_person IS NOT NULL AND measures IS NOT NULL
                        AND funds IS NOT NULL AND deadline IS NOT NULL AND contingency_plan) AS major_open_five_complete
FROM h
GROUP BY GROUPING SETS ((district_code), ())
