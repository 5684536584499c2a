-- 012 content key: core.standard_source keeps a 64-bit key of each record's business fields
-- (DuckDB's hash() of the same fields content_hash hashes), so that a re-merge tells an
-- unchanged record by one integer comparison and computes no sha256 for it. content_hash (sha256,
-- independent of the DuckDB version) stays the record's durable fingerprint: a record whose key
-- differs is compared on it (sql/load.sql decide_standards), so a key computed by another DuckDB
-- version costs time, never a false change. Filled in place from the stored fields.
-- lead_org and lead_org_key go: they were drafters[1] and drafter_keys[1] of the same row, written
-- twice; the canonical row in core.standard keeps its own (resolve_shared_standards computes them).
ALTER TABLE core.standard_source ADD COLUMN content_key UBIGINT;
UPDATE core.standard_source SET content_key = hash(
    std_type, prefix, year, name, status, issue_date, act_date, abolish_date, replaces, is_revision,
    drafters, drafters_known, committee_code, committee_name, source_id, spam);
ALTER TABLE core.standard_source ALTER COLUMN content_key SET NOT NULL;
ALTER TABLE core.standard_source DROP COLUMN lead_org;
ALTER TABLE core.standard_source DROP COLUMN lead_org_key;
