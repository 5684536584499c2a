-- Named statements of the blue/green publish (warehouse/publish.py).

-- name: clear_stamp
DELETE FROM meta.publish;

-- name: stamp
-- One row: the session that wrote the file. Written last, so a change log replayed to its end
-- leaves it, and one cut short does not.
INSERT INTO meta.publish (token, written_at) VALUES ($token, current_timestamp);

-- name: token
SELECT max(token) FROM meta.publish;

-- name: tables
-- Every table of the file (not the session's temporary ones): the row counts a spare brought
-- forward must share with the published file.
SELECT schema_name, table_name
FROM duckdb_tables()
WHERE database_name = current_database() AND NOT temporary
ORDER BY ALL;
