-- Drop a temp view the caller made ({name}: a name from the package, not a value).
DROP VIEW IF EXISTS temp.main.{name}
