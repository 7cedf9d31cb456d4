-- Hazard figures reported beside the targets (DATA_SPEC 6.4), as of $as_of, per unit and total.
-- $none_supervision: supervision values that mean none.
WITH h AS (
    SELECT *, is_open_at(found_date, rectified_date, $as_of) AS is_open,
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
       count(*) FILTER (WHERE level = 'major' AND is_open AND five_point_complete) AS major_open_five_complete
FROM h
GROUP BY GROUPING SETS ((district_code), ())
