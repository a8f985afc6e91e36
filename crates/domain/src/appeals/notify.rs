//! Who is told of what happens to a case (in-app, and by text message to the
//! worker for the events a worker must not miss).
//!
//! The groups are relative to the case: the worker who filed it; the
//! handlers of the union that acts; the staff of the level that supervises;
//! and the heads of the union (its organisation admins), who are personally
//! informed of green-channel and escalated cases (the 12351 rule). The person
//! who fired the event is never told of their own act.

use crate::appeals::limits::DeadlineState;
use crate::appeals::workflow::{Actor, Event};

/// Which groups hear of an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Audience {
    pub worker: bool,
    /// Also by text message, for the events that change what the worker can expect.
    pub worker_sms: bool,
    pub handlers: bool,
    pub supervisors: bool,
    pub heads: bool,
}

/// Who hears of a filing.
pub const fn of_filing(green_channel: bool) -> Audience {
    Audience { worker: false, worker_sms: false, handlers: true, supervisors: false, heads: green_channel }
}

/// Who hears of `event`, fired by `actor`, on a case in the green channel or not.
pub fn of_event(event: &Event, actor: Actor, green_channel: bool) -> Audience {
    let mut audience = match event {
        Event::Accept | Event::Decline { .. } | Event::Reply { .. } | Event::Extend { .. } | Event::MergeInto { .. } => {
            Audience { worker: true, worker_sms: true, ..Audience::default() }
        }
        Event::Note { to_worker, .. } => Audience { worker: *to_worker, ..Audience::default() },
        Event::JoinPartner { .. } | Event::PartnerAction { .. } => Audience { worker: true, ..Audience::default() },
        Event::Transfer { .. } => {
            Audience { worker: true, worker_sms: true, handlers: true, heads: green_channel, ..Audience::default() }
        }
        Event::Start => Audience::default(),
        Event::Confirm | Event::Rate { .. } | Event::CloseAfterSilence => Audience { handlers: true, ..Audience::default() },
        Event::Reopen { .. } => Audience { handlers: true, heads: green_channel, ..Audience::default() },
        Event::RequestReview { .. } => Audience { handlers: true, supervisors: true, ..Audience::default() },
    };
    // A supervisor who takes a case over tells its own handlers.
    if actor == Actor::Supervisor {
        audience.handlers = true;
    }
    audience
}

/// Who hears of a deadline light: the handlers of a yellow one; of a red one
/// also the supervising level and the heads, as the case escalates.
pub const fn of_light(state: DeadlineState) -> Audience {
    match state {
        DeadlineState::Ok => Audience { worker: false, worker_sms: false, handlers: false, supervisors: false, heads: false },
        DeadlineState::Warning => Audience { worker: false, worker_sms: false, handlers: true, supervisors: false, heads: false },
        DeadlineState::Breached => Audience { worker: false, worker_sms: false, handlers: true, supervisors: true, heads: true },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::appeals::workflow::Outcome;

    #[test]
    fn the_worker_hears_of_every_answer_by_text_message_too() {
        let reply = Event::Reply { outcome: Outcome::Supported, text: "已发放".into() };
        let heard = of_event(&reply, Actor::Handler, false);
        assert!(heard.worker && heard.worker_sms && !heard.handlers);
        let decline = of_event(&Event::Decline { reason: "不属于受理范围".into() }, Actor::Handler, false);
        assert!(decline.worker_sms);
    }

    #[test]
    fn internal_notes_stay_internal() {
        let note = Event::Note { text: "内部".into(), to_worker: false };
        assert_eq!(of_event(&note, Actor::Handler, false), Audience::default());
        let told = Event::Note { text: "已联系企业".into(), to_worker: true };
        assert!(of_event(&told, Actor::Handler, false).worker);
    }

    #[test]
    fn heads_hear_of_green_channel_filings_and_every_escalation() {
        assert!(of_filing(true).heads);
        assert!(!of_filing(false).heads);
        assert!(of_light(DeadlineState::Breached).heads && of_light(DeadlineState::Breached).supervisors);
        assert!(!of_light(DeadlineState::Warning).supervisors);
        assert_eq!(of_light(DeadlineState::Ok), Audience::default());
    }

    #[test]
    fn a_review_request_reaches_the_reviewing_level_and_a_take_over_the_handlers() {
        let review = of_event(&Event::RequestReview { reason: "不满意".into() }, Actor::Worker, false);
        assert!(review.supervisors && review.handlers);
        assert!(of_event(&Event::Accept, Actor::Supervisor, false).handlers);
        assert!(!of_event(&Event::Accept, Actor::Handler, false).handlers);
    }
}
