-- A file's sha256 as read, under its path, size and modification time.
INSERT OR REPLACE INTO file_stats VALUES ($path, $size, $mtime_ns, $sha256)
