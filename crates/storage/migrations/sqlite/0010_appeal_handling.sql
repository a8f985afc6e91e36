-- Appeals, handled: joint handling, the green channel, escalation, the
-- progress-note clock, and the deadline alerts that must happen exactly once.
ALTER TABLE appeals ADD COLUMN partners TEXT NOT NULL DEFAULT '';
ALTER TABLE appeals ADD COLUMN green_channel BOOLEAN NOT NULL DEFAULT FALSE;
-- The day a red light escalated the case to the supervising level.
ALTER TABLE appeals ADD COLUMN escalated_on TEXT;
-- The next progress note to the worker, while the union works on the case.
ALTER TABLE appeals ADD COLUMN note_due_on TEXT;
CREATE INDEX appeals_note_due ON appeals (note_due_on) WHERE note_due_on IS NOT NULL;
CREATE INDEX appeals_filed_by_id ON appeals (filed_by, id);
-- The order of the queues: green-channel cases first (2^48 added), then newest first.
ALTER TABLE appeals ADD COLUMN queue_key INTEGER NOT NULL DEFAULT 0;
UPDATE appeals SET queue_key = id;
CREATE INDEX appeals_org_queue ON appeals (org_id, queue_key);

-- One row per light that fired: the deadline sweep inserts it before it warns
-- or escalates, so with several servers each alert happens once.
CREATE TABLE appeal_alerts (
    appeal_id INTEGER NOT NULL REFERENCES appeals (id),
    kind      TEXT NOT NULL,
    due_on    TEXT NOT NULL,
    light     TEXT NOT NULL,
    fired_at  TEXT NOT NULL,
    PRIMARY KEY (appeal_id, kind, due_on, light)
);
