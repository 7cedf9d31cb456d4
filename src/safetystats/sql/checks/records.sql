-- One dataset's part of the temp view `records` that the cross-dataset checks read:
-- every stored row with its enterprise and district ({enterprise}/{district}: the column or NULL).
SELECT '{dataset}' AS dataset, _key, {enterprise} AS enterprise_id, {district} AS district,
       {district_required} AS district_required
FROM "{dataset}"
