-- The threads of the writer's DuckDB while a thread prepares the next file (ingest/parallel.py).
SET threads = $threads
