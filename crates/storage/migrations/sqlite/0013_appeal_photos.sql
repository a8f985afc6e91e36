-- Photos added to an appeal by its worker, stripped of their EXIF place
-- unless the worker kept it; served only to those who may see the case.
CREATE TABLE appeal_photos (
    id            INTEGER PRIMARY KEY,
    appeal_id     INTEGER NOT NULL REFERENCES appeals (id),
    content_type  TEXT NOT NULL,
    sha256        TEXT NOT NULL,
    width         INTEGER NOT NULL,
    height        INTEGER NOT NULL,
    byte_size     INTEGER NOT NULL,
    kept_metadata BOOLEAN NOT NULL,
    bytes         BLOB NOT NULL,
    created_by    INTEGER REFERENCES users (id),
    created_at    TEXT NOT NULL
);
CREATE INDEX appeal_photos_appeal ON appeal_photos (appeal_id, id);
