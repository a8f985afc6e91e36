-- Years of the official holiday calendar added by a system admin when the State
-- Council publishes them (each November); they override the shipped years.
CREATE TABLE holiday_years (
    year        INTEGER PRIMARY KEY,
    arrangement TEXT NOT NULL,
    updated_by  BIGINT REFERENCES users (id),
    updated_at  TIMESTAMPTZ NOT NULL
);
