-- Appeals (诉求): a worker's case, its timeline and the counters of its case numbers.
-- The case's workflow state is stored column by column (the domain's `CaseState`),
-- with the deadline the handling union works against now (`due_kind`, `due_on`).
-- Dates are China-time days; instants are UTC.
CREATE TABLE appeals (
    id              INTEGER PRIMARY KEY,
    case_number     TEXT NOT NULL UNIQUE,
    appeal_type     TEXT NOT NULL,
    category        TEXT NOT NULL,
    -- The handling union.
    org_id          INTEGER NOT NULL REFERENCES organisations (id),
    filed_by        INTEGER REFERENCES users (id),
    contact_phone   TEXT NOT NULL,
    hide_identity   BOOLEAN NOT NULL DEFAULT FALSE,
    text            TEXT NOT NULL,
    fields          TEXT NOT NULL DEFAULT '{}',
    lat             REAL,
    lng             REAL,
    stage           TEXT NOT NULL,
    level           TEXT NOT NULL,
    outcome         TEXT,
    extension_used  BOOLEAN NOT NULL DEFAULT FALSE,
    extended_by     INTEGER,
    submitted_on    TEXT NOT NULL,
    accepted_on     TEXT,
    last_note_on    TEXT,
    review_asked_on TEXT,
    replied_on      TEXT,
    closed_on       TEXT,
    rating          INTEGER CHECK (rating BETWEEN 1 AND 5),
    due_kind        TEXT,
    due_on          TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    merged_into     INTEGER REFERENCES appeals (id),
    CHECK ((lat IS NULL) = (lng IS NULL))
);
-- The queues: an organisation's cases by stage, newest first; the deadline sweep.
CREATE INDEX appeals_org_stage ON appeals (org_id, stage, id);
CREATE INDEX appeals_created ON appeals (created_at);
CREATE INDEX appeals_due ON appeals (due_on) WHERE due_on IS NOT NULL;
CREATE INDEX appeals_filed_by ON appeals (filed_by) WHERE filed_by IS NOT NULL;

-- The timeline: every event of a case, who fired it and the stages around it.
-- Append-only, like the audit log.
CREATE TABLE appeal_events (
    id         INTEGER PRIMARY KEY,
    appeal_id  INTEGER NOT NULL REFERENCES appeals (id),
    at         TEXT NOT NULL,
    actor_id   INTEGER REFERENCES users (id),
    actor_kind TEXT NOT NULL,
    event      TEXT NOT NULL,
    detail     TEXT NOT NULL DEFAULT '{}',
    from_stage TEXT,
    to_stage   TEXT NOT NULL
);
CREATE INDEX appeal_events_appeal ON appeal_events (appeal_id, id);

CREATE TRIGGER appeal_events_no_update BEFORE UPDATE ON appeal_events
BEGIN SELECT RAISE(ABORT, 'the appeal timeline is append-only'); END;
CREATE TRIGGER appeal_events_no_delete BEFORE DELETE ON appeal_events
BEGIN SELECT RAISE(ABORT, 'the appeal timeline is append-only'); END;

-- The last sequence of case numbers per division and China day; numbers are never reused.
CREATE TABLE appeal_case_counters (
    division TEXT NOT NULL,
    day      TEXT NOT NULL,
    last_seq INTEGER NOT NULL,
    PRIMARY KEY (division, day)
);
