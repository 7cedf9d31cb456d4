-- The sha256 recorded for a file of this path, size and modification time (none: read it).
SELECT sha256 FROM file_stats WHERE path = $path AND size = $size AND mtime_ns = $mtime_ns
