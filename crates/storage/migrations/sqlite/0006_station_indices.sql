-- Service indices: one row of counters per station and China day (YYYY-MM-DD),
-- changed in the same transaction as each visit, booking, review and feedback
-- (see crates/domain/src/stations/indices.rs for what each counts). Reading an
-- index sums the rows of a window; `waystation stations reindex` rebuilds them
-- from the event tables. An existing database gets its rows from that command.
CREATE TABLE station_daily_counters (
    station_id              INTEGER NOT NULL REFERENCES stations (id),
    day                     TEXT NOT NULL,
    visits                  INTEGER NOT NULL DEFAULT 0 CHECK (visits >= 0),
    reservations            INTEGER NOT NULL DEFAULT 0 CHECK (reservations >= 0),
    reservations_confirmed  INTEGER NOT NULL DEFAULT 0 CHECK (reservations_confirmed >= 0),
    reservations_declined   INTEGER NOT NULL DEFAULT 0 CHECK (reservations_declined >= 0),
    reservations_cancelled  INTEGER NOT NULL DEFAULT 0 CHECK (reservations_cancelled >= 0),
    reviews                 INTEGER NOT NULL DEFAULT 0 CHECK (reviews >= 0),
    reviews_praised         INTEGER NOT NULL DEFAULT 0 CHECK (reviews_praised >= 0),
    review_stars            INTEGER NOT NULL DEFAULT 0 CHECK (review_stars >= 0),
    feedback                INTEGER NOT NULL DEFAULT 0 CHECK (feedback >= 0),
    feedback_answered       INTEGER NOT NULL DEFAULT 0 CHECK (feedback_answered >= 0),
    feedback_answer_seconds INTEGER NOT NULL DEFAULT 0 CHECK (feedback_answer_seconds >= 0),
    feedback_on_time        INTEGER NOT NULL DEFAULT 0 CHECK (feedback_on_time >= 0),
    PRIMARY KEY (station_id, day)
);
CREATE INDEX station_daily_counters_day ON station_daily_counters (day);

-- The handling time runs to the first answer: editing an answer later moves
-- `answered_at` but not this.
ALTER TABLE station_feedback ADD COLUMN first_answered_at TEXT;
UPDATE station_feedback SET first_answered_at = answered_at;
