-- Named statements for the migration runner (warehouse/db.py).

-- name: schema_version_table_exists
SELECT count(*) > 0
FROM duckdb_tables()
WHERE database_name = current_database() AND schema_name = 'meta' AND table_name = 'schema_version';

-- name: current_schema_version
SELECT coalesce(max(version), 0) FROM meta.schema_version;

-- name: recorded_migrations
SELECT version, name FROM meta.schema_version ORDER BY version;

-- name: record_migration
INSERT INTO meta.schema_version (version, name, applied_at) VALUES ($version, $name, current_timestamp);
