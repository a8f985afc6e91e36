-- API keys of the Open311 GeoReport v2 server, issued by a system admin to
-- another system (a city's 12345 hotline, a platform's rider app) that posts
-- appeals for its users. Only a hash of the key is kept.
CREATE TABLE open311_keys (
    id         INTEGER PRIMARY KEY,
    key_hash   TEXT NOT NULL UNIQUE,
    label      TEXT NOT NULL,
    created_by INTEGER REFERENCES users (id),
    created_at TEXT NOT NULL,
    revoked_at TEXT
);

-- The key a case was posted with: an Open311 client reads back only its own.
ALTER TABLE appeals ADD COLUMN open311_key_id INTEGER REFERENCES open311_keys (id);
CREATE INDEX appeals_open311_key ON appeals (open311_key_id, id) WHERE open311_key_id IS NOT NULL;
