-- Drop a temp table the caller made ({name}: a name from the package's settings, not a value).
DROP TABLE IF EXISTS temp.main.{name}
