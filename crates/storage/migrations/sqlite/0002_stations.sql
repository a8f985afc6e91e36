-- Stations: the record, its status and location history,
-- the numbering counters, and the change counter that keeps every server's
-- in-memory search index in step.

CREATE TABLE station_code_counters (
    prefix   TEXT PRIMARY KEY,
    last_seq INTEGER NOT NULL
);

-- One row; every station write takes the next number, so a server can ask
-- "what changed since N" and update its index incrementally.
CREATE TABLE station_change_counter (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    seq       INTEGER NOT NULL
);
INSERT INTO station_change_counter (singleton, seq) VALUES (1, 0);

CREATE TABLE stations (
    id                       INTEGER PRIMARY KEY,
    code                     TEXT NOT NULL UNIQUE,
    name                     TEXT NOT NULL,
    kind                     TEXT NOT NULL,
    org_id                   INTEGER NOT NULL REFERENCES organisations (id),
    address                  TEXT NOT NULL,
    lat                      REAL NOT NULL,
    lng                      REAL NOT NULL,
    opening_hours            TEXT NOT NULL,
    follows_working_calendar INTEGER NOT NULL DEFAULT 0,
    amenities                TEXT NOT NULL,
    manager_name             TEXT,
    manager_phone            TEXT,
    rules                    TEXT NOT NULL DEFAULT '',
    six_haves                TEXT NOT NULL,
    status                   TEXT NOT NULL,
    -- The identifier a union's own spreadsheet uses; re-imports match on it.
    external_id              TEXT,
    -- Co-building partner organisations, a JSON array of ids.
    partner_org_ids          TEXT NOT NULL DEFAULT '[]',
    change_seq               INTEGER NOT NULL,
    created_at               TEXT NOT NULL,
    updated_at               TEXT NOT NULL
);
CREATE INDEX stations_org ON stations (org_id);
CREATE INDEX stations_change_seq ON stations (change_seq);
CREATE UNIQUE INDEX stations_external_id ON stations (org_id, external_id) WHERE external_id IS NOT NULL;

CREATE TABLE station_status_history (
    id          INTEGER PRIMARY KEY,
    station_id  INTEGER NOT NULL REFERENCES stations (id),
    from_status TEXT,
    to_status   TEXT NOT NULL,
    reason      TEXT NOT NULL,
    actor_id    INTEGER REFERENCES users (id),
    at          TEXT NOT NULL
);
CREATE INDEX station_status_history_station ON station_status_history (station_id);

CREATE TABLE station_locations (
    id         INTEGER PRIMARY KEY,
    station_id INTEGER NOT NULL REFERENCES stations (id),
    lat        REAL NOT NULL,
    lng        REAL NOT NULL,
    address    TEXT NOT NULL,
    actor_id   INTEGER REFERENCES users (id),
    at         TEXT NOT NULL
);
CREATE INDEX station_locations_station ON station_locations (station_id);
