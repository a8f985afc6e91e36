-- The sums a dashboard is drawn from, per union and filing day (China time):
-- the domain's Tally (appeals::dashboard), the counts under each dimension
-- (type, category, stage) and the heat-map cells. Every change of a case
-- adds the difference of its contribution before and after, in the change's
-- own transaction, so a dashboard adds up a few rows per union and day
-- instead of reading every case. Rebuilt from the cases when they disagree
-- (after this migration, on a database that has cases).
CREATE TABLE appeal_tallies (
    org_id           INTEGER NOT NULL REFERENCES organisations (id),
    day              TEXT NOT NULL,
    cases            INTEGER NOT NULL DEFAULT 0,
    green            INTEGER NOT NULL DEFAULT 0,
    accepted         INTEGER NOT NULL DEFAULT 0,
    declined         INTEGER NOT NULL DEFAULT 0,
    for_closure      INTEGER NOT NULL DEFAULT 0,
    closed           INTEGER NOT NULL DEFAULT 0,
    answered         INTEGER NOT NULL DEFAULT 0,
    answered_in_time INTEGER NOT NULL DEFAULT 0,
    accepted_n       INTEGER NOT NULL DEFAULT 0,
    accept_days      INTEGER NOT NULL DEFAULT 0,
    closed_n         INTEGER NOT NULL DEFAULT 0,
    close_days       INTEGER NOT NULL DEFAULT 0,
    rated            INTEGER NOT NULL DEFAULT 0,
    rating_sum       INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (org_id, day)
);

CREATE TABLE appeal_tally_marks (
    org_id    INTEGER NOT NULL REFERENCES organisations (id),
    day       TEXT NOT NULL,
    dimension TEXT NOT NULL CHECK (dimension IN ('type', 'category', 'stage')),
    mark      TEXT NOT NULL,
    cases     INTEGER NOT NULL,
    PRIMARY KEY (org_id, day, dimension, mark)
);

CREATE TABLE appeal_tally_cells (
    org_id   INTEGER NOT NULL REFERENCES organisations (id),
    day      TEXT NOT NULL,
    cell_lat INTEGER NOT NULL,
    cell_lng INTEGER NOT NULL,
    cases    INTEGER NOT NULL,
    PRIMARY KEY (org_id, day, cell_lat, cell_lng)
);
