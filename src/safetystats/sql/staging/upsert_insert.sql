-- Store the staged rows of one file in "{dataset}".
INSERT INTO "{dataset}" BY NAME SELECT * FROM staged_rows;
