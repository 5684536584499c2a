-- Named statements of `stdwatch trace` (warehouse/trace.py): a standard or an organisation with the
-- archived pages it came from, its drafting units and the evidence that placed it.

-- name: standard
SELECT std_no, name, std_type, status, issue_date, is_new, in_region, counted, district_code, district_name,
       count_basis, counting_org, counting_position, attribution_method, attribution_confidence,
       attribution_conflict, attribution_needs_review, sources, source, url, fetched_at, sha256, response_id
FROM mart.standard
WHERE std_no = $std_no;

-- name: standard_pages
SELECT source, source_id, used_for_record, used_for_drafters, url, fetched_at, http_status, content_type,
       sha256, response_id, warc_path, warc_offset, warc_length, page_spam
FROM mart.standard_provenance
WHERE std_no = $std_no;

-- name: standard_drafters
SELECT position, org_name, org_key, in_region, placed_code, placed_name, method, confidence, conflict, needs_review
FROM core.standard_drafter_org
WHERE std_no = $std_no
ORDER BY position;

-- name: org
-- An organisation by its key, or by a name any drafter list or register gave it.
SELECT org_key, name, uscc, uscc_valid, in_region, placed_code AS district_code, placed_name AS district_name,
       method, confidence, conflict, evidence, needs_review
FROM core.org_placed
WHERE org_key = $org_key
   OR org_key IN (SELECT org_key FROM core.org_name WHERE org_name = $name)
ORDER BY org_key = $org_key DESC
LIMIT 1;

-- name: org_register
-- The organisation register's evidence for these organisations, with the archived page each row came from.
SELECT e.org_key, e.name, e.source, e.uscc, e.address, e.division, e.origin, e.url, e.fetched_at,
       e.response_id, coalesce(e.sha256, r.sha256) AS sha256, r.status AS http_status, r.content_type,
       r.warc_path, r.warc_offset, r.warc_length
FROM core.org_evidence AS e
LEFT JOIN raw.response AS r USING (response_id)
WHERE e.org_key IN (SELECT unnest($org_keys))
ORDER BY e.org_key, e.source, e.origin, e.loaded_at;

-- name: org_standards
-- The standards an organisation drafted, the ones it leads first, newest first.
SELECT s.std_no, s.name, s.issue_date, d.position, s.counted, s.district_name
FROM core.standard_drafter_org AS d
JOIN mart.standard AS s USING (std_no)
WHERE d.org_key = $org_key
ORDER BY d.position = 1 DESC, s.issue_date DESC NULLS LAST, s.std_no;
