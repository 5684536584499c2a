-- Named statements of the read helpers (warehouse/read.py), run on read-only connections.

-- name: watermarks
SELECT source, key, value FROM meta.watermark ORDER BY source, key;

-- name: org_evidence
SELECT name, source, uscc, address, division, origin,
       provenance_source, url, fetched_at, response_id, sha256
FROM core.org_evidence
ORDER BY org_key, source, origin, loaded_at;

-- name: new_standards_by_district_and_type
-- The rows behind mart.new_standards_by_district, long form: counted standards per district and type.
SELECT district_code, district_name, std_type, count(*) AS n
FROM mart.standard
WHERE counted
GROUP BY district_code, district_name, std_type
ORDER BY district_code, std_type;
