-- 003 organisations: the register's evidence and the attribution of each organisation.

CREATE TABLE core.org_evidence (
    org_key           VARCHAR NOT NULL,
    name              VARCHAR NOT NULL,
    source            VARCHAR NOT NULL,
    uscc              VARCHAR,
    address           VARCHAR,
    division          VARCHAR,
    origin            VARCHAR,             -- files: "path#sheet!row"; replaced per origin prefix on re-import
    provenance_source VARCHAR,
    url               VARCHAR,
    fetched_at        TIMESTAMPTZ,
    response_id       VARCHAR,
    sha256            VARCHAR,
    loaded_at         TIMESTAMPTZ NOT NULL
);

-- Fully replaced each run from the flow's attribution results.
CREATE TABLE core.org (
    org_key       VARCHAR PRIMARY KEY,
    name          VARCHAR NOT NULL,
    uscc          VARCHAR,                 -- most often seen credit code in core.org_evidence
    uscc_valid    BOOLEAN,
    in_region     BOOLEAN,
    district_code VARCHAR,
    district_name VARCHAR,
    method        VARCHAR NOT NULL,
    confidence    DOUBLE,
    conflict      VARCHAR,
    evidence      VARCHAR[],
    needs_review  BOOLEAN NOT NULL,
    attributed_at TIMESTAMPTZ NOT NULL
);

-- Every name the attribution was given, with the key it was filed under. Drafters reach
-- their organisation through their name as listed, so the mart does not depend on the
-- warehouse and the attribution computing the same key.
CREATE TABLE core.org_name (
    org_name VARCHAR PRIMARY KEY,
    org_key  VARCHAR NOT NULL
);
