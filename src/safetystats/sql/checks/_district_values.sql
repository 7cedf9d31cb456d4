-- One dataset's part of the district values validate resolves (joined with UNION).
SELECT DISTINCT district AS v FROM "{dataset}"
