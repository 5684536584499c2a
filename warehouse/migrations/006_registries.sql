-- 006 registries: technical committees (TC/SC/WG) and the publishing association of group standards.

-- One row per committee code, as the committee directory shows it.
CREATE TABLE core.committee (
    code             VARCHAR PRIMARY KEY,   -- "TC28", "TC28/SC42", "JS/TC12"
    name             VARCHAR,
    kind             VARCHAR,               -- TC | SC | WG
    secretariat_unit VARCHAR,               -- 秘书处所在单位: attributed like any organisation
    address          VARCHAR,
    province         VARCHAR,
    established      DATE,                  -- 成立时间, where the page gives it
    spam             BOOLEAN,
    source           VARCHAR,
    url              VARCHAR,
    response_id      VARCHAR,
    fetched_at       TIMESTAMPTZ,
    sha256           VARCHAR,
    content_hash     VARCHAR NOT NULL,
    first_seen_run   VARCHAR,
    last_changed_run VARCHAR
);

-- The association that published a group standard (团体标准的发布团体), per source.
CREATE TABLE core.group_publisher (
    std_no      VARCHAR NOT NULL,
    source      VARCHAR NOT NULL,
    publisher   VARCHAR NOT NULL,
    response_id VARCHAR,
    PRIMARY KEY (std_no, source)
);
