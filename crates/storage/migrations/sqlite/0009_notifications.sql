-- In-app notifications (站内消息): one row per person and event that concerns
-- them, read or not. Written by the capabilities in the transaction of the
-- event they tell about; never holding a hidden identity.
CREATE TABLE notifications (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    -- What happened, e.g. `appeal.reply`, `appeal.deadline_red`.
    kind       TEXT NOT NULL,
    -- What it is about, e.g. a case number; the page to open.
    subject    TEXT NOT NULL,
    link       TEXT NOT NULL,
    detail     TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL,
    read_at    TEXT
);
CREATE INDEX notifications_user ON notifications (user_id, id);
CREATE INDEX notifications_unread ON notifications (user_id) WHERE read_at IS NULL;

-- Text messages waiting for the SMS sender; `sent_at` is set when one was handed over.
CREATE TABLE sms_outbox (
    id         INTEGER PRIMARY KEY,
    phone      TEXT NOT NULL,
    kind       TEXT NOT NULL,
    detail     TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL,
    sent_at    TEXT
);
CREATE INDEX sms_outbox_unsent ON sms_outbox (id) WHERE sent_at IS NULL;
