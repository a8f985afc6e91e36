-- The sums a dashboard is drawn from, per union and filing day (China time):
-- the domain's Tally (appeals::dashboard), the counts under each dimension
-- (type, category, stage) and the heat-map cells. Every change of a case
-- adds the difference of its contribution before and after, in the change's
-- own transaction, so a dashboard adds up a few rows per union and day
-- instead of reading every case. Rebuilt from the cases when they disagree
-- (after this migration, on a database that has cases).
CREATE TABLE appeal_tallies (
    org_id           BIGINT NOT NULL REFERENCES organisations (id),
    day              DATE NOT NULL,
    cases            BIGINT NOT NULL DEFAULT 0,
    green            BIGINT NOT NULL DEFAULT 0,
    accepted         BIGINT NOT NULL DEFAULT 0,
    declined         BIGINT NOT NULL DEFAULT 0,
    for_closure      BIGINT NOT NULL DEFAULT 0,
    closed           BIGINT NOT NULL DEFAULT 0,
    answered         BIGINT NOT NULL DEFAULT 0,
    answered_in_time BIGINT NOT NULL DEFAULT 0,
    accepted_n       BIGINT NOT NULL DEFAULT 0,
    accept_days      BIGINT NOT NULL DEFAULT 0,
    closed_n         BIGINT NOT NULL DEFAULT 0,
    close_days       BIGINT NOT NULL DEFAULT 0,
    rated            BIGINT NOT NULL DEFAULT 0,
    rating_sum       BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (org_id, day)
);

CREATE TABLE appeal_tally_marks (
    org_id    BIGINT NOT NULL REFERENCES organisations (id),
    day       DATE NOT NULL,
    dimension TEXT NOT NULL CHECK (dimension IN ('type', 'category', 'stage')),
    mark      TEXT NOT NULL,
    cases     BIGINT NOT NULL,
    PRIMARY KEY (org_id, day, dimension, mark)
);

CREATE TABLE appeal_tally_cells (
    org_id   BIGINT NOT NULL REFERENCES organisations (id),
    day      DATE NOT NULL,
    cell_lat BIGINT NOT NULL,
    cell_lng BIGINT NOT NULL,
    cases    BIGINT NOT NULL,
    PRIMARY KEY (org_id, day, cell_lat, cell_lng)
);
