-- Appeal categories a system admin defined or changed: the domain's
-- CategoryDef as JSON (its required fields, green channel and time limits),
-- laid over the built-in ones by every server.
CREATE TABLE appeal_categories (
    code       TEXT PRIMARY KEY,
    definition TEXT NOT NULL,
    name_zh    TEXT NOT NULL,
    name_en    TEXT NOT NULL,
    updated_by BIGINT REFERENCES users (id),
    updated_at TIMESTAMPTZ NOT NULL
);
