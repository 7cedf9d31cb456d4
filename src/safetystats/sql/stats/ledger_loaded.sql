-- Whether the store holds a ledger of $dataset: a file of it was ingested (even one whose rows
-- were all quarantined). "—" rather than 0 when it was not (DATA_SPEC 6.7, 2.10).
SELECT EXISTS (
    SELECT 1 FROM ingest_files WHERE list_contains(string_split(dataset, ','), $dataset)
)
