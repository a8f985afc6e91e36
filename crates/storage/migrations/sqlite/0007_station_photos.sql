-- Station photos: the image bytes beside their metadata (at most 9 live photos
-- of 2 MiB each per station, so the database stays the one thing to back up).
-- Removed photos keep their row and bytes, with who removed them and when.
CREATE TABLE station_photos (
    id           INTEGER PRIMARY KEY,
    station_id   INTEGER NOT NULL REFERENCES stations (id),
    position     INTEGER NOT NULL,
    content_type TEXT NOT NULL,
    bytes        BLOB NOT NULL,
    sha256       TEXT NOT NULL,
    width        INTEGER NOT NULL CHECK (width > 0),
    height       INTEGER NOT NULL CHECK (height > 0),
    caption      TEXT NOT NULL DEFAULT '',
    created_by   INTEGER REFERENCES users (id),
    created_at   TEXT NOT NULL,
    removed_at   TEXT,
    removed_by   INTEGER REFERENCES users (id)
);
CREATE INDEX station_photos_station ON station_photos (station_id, position);
