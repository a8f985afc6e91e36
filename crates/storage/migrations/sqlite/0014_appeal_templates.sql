-- Reply templates of a union, offered on the reply form of its cases and of
-- the cases of the unions below it.
CREATE TABLE appeal_templates (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER NOT NULL REFERENCES organisations (id),
    title      TEXT NOT NULL,
    body       TEXT NOT NULL,
    created_by INTEGER REFERENCES users (id),
    created_at TEXT NOT NULL,
    retired_at TEXT
);
CREATE INDEX appeal_templates_org ON appeal_templates (org_id) WHERE retired_at IS NULL;
