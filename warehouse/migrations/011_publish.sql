-- 011 publish: which write session wrote the file. Each session stamps a fresh token just before
-- it is published (warehouse/publish.py); the next session checks that the spare it brought
-- forward with the last session's change log carries the same token as the published file.
CREATE TABLE meta.publish (
    token      VARCHAR NOT NULL,            -- a random uuid per write session
    written_at TIMESTAMPTZ NOT NULL
);
