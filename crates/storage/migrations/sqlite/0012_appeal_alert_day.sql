-- The next day the deadline clock has something to do for a case (a light
-- turns yellow or red, or a silent reply may close): the sweep reads only the
-- cases whose day has come, instead of every open one.
ALTER TABLE appeals ADD COLUMN alert_on TEXT;
CREATE INDEX appeals_alert_on ON appeals (alert_on) WHERE alert_on IS NOT NULL;
-- Cases from before: looked at by the next sweep, which sets their next day.
UPDATE appeals SET alert_on = submitted_on
    WHERE stage IN ('submitted', 'accepted', 'in_progress', 'review_requested', 'under_review', 'replied');
