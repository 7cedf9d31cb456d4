-- The events an event_frequency target counts (DATA_SPEC 6.1), as a table macro over the
-- curated tables (so it is made with the marts, after them): drills of the types asked
-- (evaluated ones only when asked: a blank 是否评估 does not qualify) or inspections of the
-- kinds asked; NULL types: all. ``evaluated``: the drill's flag as read (NULL: left blank).
CREATE OR REPLACE MACRO qualifying_events(event_dataset, event_types, only_evaluated) AS TABLE
    SELECT enterprise_id, drill_date AS event_date, evaluated FROM curated_drills
    WHERE event_dataset = 'drills' AND in_scope(event_types, drill_type)
      AND (NOT only_evaluated OR coalesce(evaluated, false))
    UNION ALL
    SELECT enterprise_id, inspection_date, NULL::BOOLEAN FROM curated_inspections
    WHERE event_dataset = 'inspections' AND in_scope(event_types, kind);
