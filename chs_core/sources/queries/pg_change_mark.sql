-- Changes with any write to the database: part of the PostgreSQL source's cache key.
SELECT pg_current_wal_lsn()::text
