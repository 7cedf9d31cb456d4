-- The rows of a mart in the scope of an incremental curation (mart_scope), before they are made again.
DELETE FROM "{mart}" WHERE "{column}" IN (SELECT "{column}" FROM mart_scope)
