-- Using a station: bookable rooms and venues and their reservations, visits
-- counted by QR check-in, reviews, and feedback answered by the manager.

CREATE TABLE station_resources (
    id          INTEGER PRIMARY KEY,
    station_id  INTEGER NOT NULL REFERENCES stations (id),
    name        TEXT NOT NULL,
    capacity    INTEGER NOT NULL CHECK (capacity > 0),
    description TEXT NOT NULL DEFAULT '',
    retired_at  TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX station_resources_station ON station_resources (station_id);

-- Slots are Unix seconds, so overlap checks compare integers. Bookings that
-- hold their slot (requested, confirmed) may not overlap on one resource: the
-- insert checks that while holding the write lock (one writer, BEGIN IMMEDIATE).
CREATE TABLE reservations (
    id          INTEGER PRIMARY KEY,
    resource_id INTEGER NOT NULL REFERENCES station_resources (id),
    station_id  INTEGER NOT NULL REFERENCES stations (id),
    user_id     INTEGER NOT NULL REFERENCES users (id),
    starts_at   INTEGER NOT NULL,
    ends_at     INTEGER NOT NULL,
    people      INTEGER NOT NULL CHECK (people > 0),
    note        TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL,
    reason      TEXT,
    decided_by  INTEGER REFERENCES users (id),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    CHECK (ends_at > starts_at)
);
CREATE INDEX reservations_resource_time ON reservations (resource_id, starts_at);
CREATE INDEX reservations_station_time ON reservations (station_id, starts_at);
CREATE INDEX reservations_user ON reservations (user_id, id);

-- One counted visit per worker, station and clock hour (hours since the epoch).
CREATE TABLE station_visits (
    id          INTEGER PRIMARY KEY,
    station_id  INTEGER NOT NULL REFERENCES stations (id),
    user_id     INTEGER NOT NULL REFERENCES users (id),
    hour_bucket INTEGER NOT NULL,
    at          TEXT NOT NULL
);
CREATE UNIQUE INDEX station_visits_once_an_hour ON station_visits (station_id, user_id, hour_bucket);
CREATE INDEX station_visits_station_hour ON station_visits (station_id, hour_bucket);

CREATE TABLE station_reviews (
    id            INTEGER PRIMARY KEY,
    station_id    INTEGER NOT NULL REFERENCES stations (id),
    user_id       INTEGER NOT NULL REFERENCES users (id),
    stars         INTEGER NOT NULL CHECK (stars BETWEEN 1 AND 5),
    text          TEXT NOT NULL DEFAULT '',
    hidden        INTEGER NOT NULL DEFAULT 0,
    hidden_reason TEXT,
    moderated_by  INTEGER REFERENCES users (id),
    moderated_at  TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE UNIQUE INDEX station_reviews_one_each ON station_reviews (station_id, user_id);

CREATE TABLE station_feedback (
    id          INTEGER PRIMARY KEY,
    station_id  INTEGER NOT NULL REFERENCES stations (id),
    user_id     INTEGER NOT NULL REFERENCES users (id),
    text        TEXT NOT NULL,
    answer      TEXT,
    answered_by INTEGER REFERENCES users (id),
    answered_at TEXT,
    created_at  TEXT NOT NULL
);
CREATE INDEX station_feedback_station ON station_feedback (station_id, id);
CREATE INDEX station_feedback_user ON station_feedback (user_id, id);
