-- Empty district_map before every district value is resolved again (a new registry or settings).
DELETE FROM district_map
