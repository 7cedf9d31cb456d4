-- Valid hazards with their enterprise's name and industry from the register, and 五落实 as a column.
-- {curated_register}: curated_enterprises, or the rows of it that the rows an incremental
-- curation rebuilds can join (few_curated_enterprises: _few_register.sql).
SELECT v.* EXCLUDE (enterprise_name),
       coalesce(e.enterprise_name, v.enterprise_name) AS enterprise_name,
       e.industry,
       five_point_complete(v.responsible_person, v.measures, v.funds, v.deadline, v.contingency_plan)
           AS five_point_complete
FROM valid_hazards v
LEFT JOIN {curated_register} e ON e.enterprise_id = v.enterprise_id
