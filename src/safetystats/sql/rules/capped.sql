-- The training cap: persons trained count up to the task, never beyond (DATA_SPEC 6.1).
CREATE OR REPLACE MACRO capped(trained, task) AS least(trained, task);
