-- The threads of the writer's DuckDB while threads prepare the next files (ingest/parallel.py).
SET threads = $threads
