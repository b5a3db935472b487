-- Rows and the first and latest date of one table; {table} and {column} are quoted contract names.
SELECT count(*), min(CAST({column} AS DATE)), max(CAST({column} AS DATE)) FROM {table}
