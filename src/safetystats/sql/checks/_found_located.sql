-- The rows the cross-dataset checks found (found_rows), located in their files.
SELECT f.*, l._file_id, l._file_name, l._sheet, l._row
FROM found_rows f
LEFT JOIN located l ON l.dataset = f.dataset AND l._key = f._key
