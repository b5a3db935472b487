-- Tables of one schema in PostgreSQL (bound parameter: the schema name).
SELECT table_name FROM information_schema.tables WHERE table_schema = %s AND table_type IN ('BASE TABLE', 'VIEW')
