-- Drop district_map before every district value is resolved again (new settings, registry or
-- resolver): _district_map.sql makes it again, as this version defines it.
DROP TABLE IF EXISTS district_map
