-- 005 operations: what each run asked for, and whether each source covered it.

-- The issue-date window a run crawled (NULL = open). A backfill loads one window per run;
-- each names the backfill it belongs to.
ALTER TABLE meta.run ADD COLUMN window_from DATE;
ALTER TABLE meta.run ADD COLUMN window_to DATE;
ALTER TABLE meta.run ADD COLUMN parent_run_id VARCHAR;

-- complete: the source fetched everything the run asked it for (nothing blocked, no page
-- given up on). A nightly's watermark advances, and a backfill counts a window done, only then.
-- retries: requests sent again after a fault (5xx, 429, reset, timeout, truncated body).
ALTER TABLE meta.run_source ADD COLUMN complete BOOLEAN;
ALTER TABLE meta.run_source ADD COLUMN retries BIGINT;
