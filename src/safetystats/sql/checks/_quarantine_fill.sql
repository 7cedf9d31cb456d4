-- Store the quarantine rows (q_new) with each record's unit and the header its file wrote.
INSERT INTO quarantine BY NAME
SELECT q.* EXCLUDE (held_district),
       coalesce(u.unit_code, hm.code) AS unit_code,
       coalesce(u.unit, hm.name) AS unit,
       h.header
FROM q_new q
LEFT JOIN record_units u ON u.dataset = q.dataset AND u._key = q.record_key
LEFT JOIN district_map hm ON hm.value = q.held_district
LEFT JOIN file_headers h ON h.file_id = q.file_id AND h.sheet IS NOT DISTINCT FROM q.sheet
                        AND h.column_name = q.column_name
