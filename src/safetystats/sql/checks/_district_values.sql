-- One dataset's part of the district values validate resolves (joined with UNION): every row's,
-- or (only) those of the rows stored by files after $since.
SELECT DISTINCT district AS v FROM "{dataset}" WHERE district IS NOT NULL {only}
