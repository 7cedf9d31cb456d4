-- The size and modification time of every file whose sha256 was computed: a file not touched
-- since has the sha256 recorded and is not read again to learn it, so a month's ingest reads
-- the month's files, not the raw folder's whole history (docs/scaling.md).
CREATE TABLE IF NOT EXISTS file_stats (
    path     VARCHAR PRIMARY KEY,
    size     BIGINT NOT NULL,
    mtime_ns BIGINT NOT NULL,
    sha256   VARCHAR NOT NULL
);
