-- The rows of the register's tables that the rows an incremental curation rebuilds can join
-- (valid_dataset.sql, curated_hazards.sql), read in one pass over each table instead of one
-- per dataset: their names (few_names), and the staged and curated register rows of their
-- enterprises, by credit code or by the name's enterprise (few_enterprises,
-- few_curated_enterprises). Its first statement unites _few_keys_part.sql of each dataset with
-- rows to rebuild.
CREATE OR REPLACE TEMP TABLE few_keys AS
{parts};

CREATE OR REPLACE TEMP TABLE few_names AS
SELECT * FROM enterprise_names WHERE name_key IN (SELECT name_key FROM few_keys);

CREATE OR REPLACE TEMP TABLE few_ids AS
SELECT enterprise_id FROM few_keys WHERE enterprise_id IS NOT NULL
UNION SELECT enterprise_id FROM few_names;

CREATE OR REPLACE TEMP TABLE few_enterprises AS
SELECT * FROM enterprises WHERE enterprise_id IN (SELECT enterprise_id FROM few_ids);

CREATE OR REPLACE TEMP TABLE few_curated_enterprises AS
SELECT * FROM curated_enterprises WHERE enterprise_id IN (SELECT enterprise_id FROM few_ids);
