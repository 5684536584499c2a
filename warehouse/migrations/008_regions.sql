-- 008 regions: a region is a folder (transform/regions/<code>/). Its indicators.csv gives
-- ref.measure its rows, with the target as the folder states it; the plan in force records
-- the region it was loaded for, so that progress never compares a region with another's plan.

ALTER TABLE ref.measure ADD COLUMN unit VARCHAR;           -- the target's unit, as indicators.csv states it
ALTER TABLE ref.measure ADD COLUMN comparator VARCHAR;     -- ≥ | ≤ | > | =
ALTER TABLE ref.measure ADD COLUMN target DOUBLE;          -- the plan's figure, as indicators.csv states it
ALTER TABLE ref.measure ADD COLUMN deadline_year INTEGER;

ALTER TABLE ref.plan ADD COLUMN region_code VARCHAR;       -- the region (GB/T 2260 prefix) the plan was loaded for; NULL before 008
