-- Comment the temp table {name} with '{comment}' ({name}, {comment}: the package's own words,
-- not values).
COMMENT ON TABLE temp.main.{name} IS '{comment}'
