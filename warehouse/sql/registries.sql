-- Loads for the registries beyond standards: committees and group-standard publishers.

-- name: committee_changes
SELECT
    count(*) FILTER (WHERE c.code IS NULL) AS inserted,
    count(*) FILTER (WHERE c.code IS NOT NULL AND c.content_hash <> i.content_hash) AS updated,
    count(*) FILTER (WHERE c.content_hash = i.content_hash) AS unchanged
FROM incoming_committee AS i
LEFT JOIN core.committee AS c USING (code);

-- name: upsert_committees
INSERT INTO core.committee
SELECT
    i.code, i.name, i.kind, i.secretariat_unit, i.address, i.province, i.established, i.spam,
    i.source, i.url, i.response_id, i.fetched_at, i.sha256, i.content_hash,
    coalesce(c.first_seen_run, $run_id) AS first_seen_run,
    CASE WHEN c.content_hash = i.content_hash THEN c.last_changed_run ELSE $run_id END AS last_changed_run
FROM incoming_committee AS i
LEFT JOIN core.committee AS c USING (code)
WHERE c.code IS NULL OR c.content_hash <> i.content_hash
ON CONFLICT (code) DO UPDATE SET
    name = excluded.name, kind = excluded.kind, secretariat_unit = excluded.secretariat_unit,
    address = excluded.address, province = excluded.province, established = excluded.established,
    spam = excluded.spam, source = excluded.source, url = excluded.url,
    response_id = excluded.response_id, fetched_at = excluded.fetched_at, sha256 = excluded.sha256,
    content_hash = excluded.content_hash, last_changed_run = excluded.last_changed_run;

-- name: upsert_group_publishers
INSERT OR REPLACE INTO core.group_publisher
SELECT std_no, source, publisher, response_id FROM incoming_group_publisher;

-- name: secretariat_orgs
SELECT DISTINCT secretariat_unit FROM core.committee WHERE secretariat_unit IS NOT NULL
UNION
SELECT DISTINCT publisher FROM core.group_publisher
ORDER BY 1;
