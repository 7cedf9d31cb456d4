-- How many rows of one dataset ($dataset) the suites run over this time.
SELECT count(*) FROM revalidated WHERE dataset = $dataset
