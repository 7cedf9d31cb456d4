-- The writer's DuckDB threads back to its default (one per core).
RESET threads
