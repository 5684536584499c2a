-- Named statements of the read helpers (warehouse/read.py), run on read-only connections.

-- name: watermarks
SELECT source, key, value FROM meta.watermark ORDER BY source, key;

-- name: org_evidence
-- One row per distinct piece of evidence (organisation, name, source, credit code, address,
-- division): the first as ordered; the repeats (a 100,000-row export names an enterprise
-- once per standard) would say nothing new to the attribution, which reads each value once.
SELECT name, source, uscc, address, division, origin,
       provenance_source, url, fetched_at, response_id, sha256
FROM core.org_evidence
QUALIFY row_number() OVER (PARTITION BY org_key, name, source, uscc, address, division
                           ORDER BY origin, loaded_at) = 1
ORDER BY org_key, source, origin, loaded_at;

-- name: org_evidence_fingerprint
-- The whole register as a multiset (a repeat counts: insert_orgs picks the credit code seen most
-- often), but not when each row was loaded: a re-import of the same rows keeps the fingerprint.
SELECT CAST(count(*) AS VARCHAR) || ':' || CAST(coalesce(sum(hash(
           org_key, name, source, uscc, address, division, origin, provenance_source, url, fetched_at,
           response_id, sha256)), 0) AS VARCHAR)
FROM core.org_evidence;

-- name: new_standards_by_district_and_type
-- The rows behind mart.new_standards_by_district, long form: counted standards per district and type.
SELECT district_code, district_name, std_type, count(*) AS n
FROM mart.standard
WHERE counted
GROUP BY district_code, district_name, std_type
ORDER BY district_code, std_type;

-- name: completed_windows
-- The (source, issue-date window) pairs that runs of one flow covered completely and loaded.
SELECT DISTINCT rs.source, r.window_from, r.window_to
FROM meta.run AS r
JOIN meta.run_source AS rs USING (run_id)
WHERE r.flow = $flow AND r.status <> 'running' AND rs.complete
ORDER BY rs.source, r.window_from;

-- name: recent_source_records
-- What a source returned (standards, or whatever else it yields) in the last successful runs of
-- one flow (health check passed, the source covered everything asked), newest first.
SELECT coalesce(TRY_CAST(rs.extra->>'$.yielded' AS BIGINT), rs.records) AS records
FROM meta.run AS r
JOIN meta.run_source AS rs USING (run_id)
WHERE r.flow = $flow AND r.status = 'completed' AND rs.source = $source AND rs.complete
ORDER BY r.started_at DESC
LIMIT $limit;

-- name: coverage_notes
-- The latest coverage note of each source that reports one (e.g. qybz: partial, behind a captcha).
SELECT source, json_extract_string(extra, '$.note') AS note
FROM meta.run_source
WHERE json_extract_string(extra, '$.note') IS NOT NULL
QUALIFY row_number() OVER (PARTITION BY source ORDER BY run_id DESC) = 1
ORDER BY source;

-- name: inbox_file_in_force
SELECT kind, sha256 FROM core.inbox_file WHERE file_name = $file_name;
