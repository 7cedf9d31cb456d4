-- The latest event date in the curated store: the default as-of date. Each max is of a column
-- as stored (at 4x the province, max(last_day(month)) cost 45 ms of CPU, last_day(max(month))
-- the same date in 1 ms: last_day never decreases).
SELECT max(d) FROM (
    SELECT max(found_date) AS d FROM curated_hazards
    UNION ALL SELECT max(rectified_date) FROM curated_hazards
    UNION ALL SELECT max(closed_date) FROM curated_hazards
    UNION ALL SELECT max(drill_date) FROM curated_drills
    UNION ALL SELECT max(installed_date) FROM curated_video_sites
    UNION ALL SELECT last_day(max(month)) FROM curated_training_counts
    UNION ALL SELECT max(inspection_date) FROM curated_inspections
    UNION ALL SELECT max(accident_date) FROM curated_accidents
    UNION ALL SELECT max(done_date) FROM curated_rosters
    UNION ALL SELECT max(report_date) FROM curated_tasks
    UNION ALL SELECT max(activity_date) FROM curated_activities
)
