-- A PostgreSQL table as CSV text; {table} is composed with psycopg.sql.Identifier, never spliced as text.
COPY (SELECT * FROM {table}) TO STDOUT WITH (FORMAT csv, HEADER true)
