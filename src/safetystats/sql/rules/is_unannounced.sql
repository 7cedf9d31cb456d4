-- A drill is "四不" (unannounced) when all four flags are true (DATA_SPEC 2.3); unknown counts as not.
CREATE OR REPLACE MACRO is_unannounced(no_advance_notice, no_script, no_preset_scenario, no_preset_location) AS
    coalesce(no_advance_notice AND no_script AND no_preset_scenario AND no_preset_location, false);
