-- A validation that checks every row finds no enterprise_records: curation scans.
DROP TABLE IF EXISTS enterprise_records_since
