-- The district values as the registry resolved them (new_rows: value, code, name, detail_zh, detail_en).
INSERT INTO district_map SELECT * FROM new_rows
