-- The register rows whose names fill enterprise_names (_fill_enterprise_names.sql): all of them.
SELECT enterprise_name, enterprise_id FROM enterprises
