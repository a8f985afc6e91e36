-- Service indices: one row of counters per station and China day (YYYY-MM-DD),
-- changed in the same transaction as each visit, booking, review and feedback
-- (see crates/domain/src/stations/indices.rs for what each counts). Reading an
-- index sums the rows of a window; `waystation stations reindex` rebuilds them
-- from the event tables. An existing database gets its rows from that command.
CREATE TABLE station_daily_counters (
    station_id              BIGINT NOT NULL REFERENCES stations (id),
    day                     TEXT NOT NULL,
    visits                  BIGINT NOT NULL DEFAULT 0 CHECK (visits >= 0),
    reservations            BIGINT NOT NULL DEFAULT 0 CHECK (reservations >= 0),
    reservations_confirmed  BIGINT NOT NULL DEFAULT 0 CHECK (reservations_confirmed >= 0),
    reservations_declined   BIGINT NOT NULL DEFAULT 0 CHECK (reservations_declined >= 0),
    reservations_cancelled  BIGINT NOT NULL DEFAULT 0 CHECK (reservations_cancelled >= 0),
    reviews                 BIGINT NOT NULL DEFAULT 0 CHECK (reviews >= 0),
    reviews_praised         BIGINT NOT NULL DEFAULT 0 CHECK (reviews_praised >= 0),
    review_stars            BIGINT NOT NULL DEFAULT 0 CHECK (review_stars >= 0),
    feedback                BIGINT NOT NULL DEFAULT 0 CHECK (feedback >= 0),
    feedback_answered       BIGINT NOT NULL DEFAULT 0 CHECK (feedback_answered >= 0),
    feedback_answer_seconds BIGINT NOT NULL DEFAULT 0 CHECK (feedback_answer_seconds >= 0),
    feedback_on_time        BIGINT NOT NULL DEFAULT 0 CHECK (feedback_on_time >= 0),
    PRIMARY KEY (station_id, day)
);
CREATE INDEX station_daily_counters_day ON station_daily_counters (day);

-- The handling time runs to the first answer: editing an answer later moves
-- `answered_at` but not this.
ALTER TABLE station_feedback ADD COLUMN first_answered_at TIMESTAMPTZ;
UPDATE station_feedback SET first_answered_at = answered_at;
