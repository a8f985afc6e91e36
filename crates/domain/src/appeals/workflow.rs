//! The workflow of an appeal: a state machine.
//!
//! ```text
//! submitted ─accept─► accepted ─start─► in_progress ─reply─► replied ─confirm / close_after_silence─► closed ─rate─► rated
//!     │                  │ └──────────reply──────────────────▲   │                                        │
//!     ├─decline─► declined (final)                           │   └─request_review─► review_requested      └─reopen─► in_progress
//!     └─merge_into─► merged (final; also from accepted and in_progress)            ─accept─► under_review ─reply─► replied
//! ```
//!
//! A reply is answered at a [`Level`]: the base union's handling, then a review
//! by the level above (asked within the review window of the reply), then a
//! re-review one level higher; after the re-review the matter is final
//! (《信访工作条例》). A review may also be asked of a closed or rated case while
//! the window of its last reply is open.
//!
//! [`transition`] is the one function that moves a case: it checks that the
//! event is legal in the state, that the [`Actor`] may fire it, and the event's
//! own rules (the one extension, the windows, the rating), and returns the new
//! state or an [`Invalid`] with a stable code — never a silent no-op. A note
//! leaves the stage as it is but records the day (the progress-note clock).
//! Who fired the event, when and why is for the caller's timeline.
//!
//! Two events leave the stage as it is and change who works on the case: a
//! **transfer** to another union (with a reason; the deadlines run on — passing
//! a case on does not restart its clock), and **joint handling** with a
//! [`Partner`] department (劳动监察, 仲裁, 法院…), whose actions are then recorded
//! on the same case ([`Event::PartnerAction`]).

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::limits::{deadline_state, DeadlineState, TimeLimits};
use crate::kit::calendar::HolidayCalendar;
use crate::Invalid;

/// Where an appeal is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Submitted,
    Accepted,
    Declined,
    InProgress,
    Replied,
    Closed,
    Rated,
    /// The worker asked the next level for a review (or re-review).
    ReviewRequested,
    /// The next level took the review up.
    UnderReview,
    /// A duplicate folded into another case.
    Merged,
}

impl Stage {
    pub const ALL: [Stage; 10] = [
        Stage::Submitted,
        Stage::Accepted,
        Stage::Declined,
        Stage::InProgress,
        Stage::Replied,
        Stage::Closed,
        Stage::Rated,
        Stage::ReviewRequested,
        Stage::UnderReview,
        Stage::Merged,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Stage::Submitted => "submitted",
            Stage::Accepted => "accepted",
            Stage::Declined => "declined",
            Stage::InProgress => "in_progress",
            Stage::Replied => "replied",
            Stage::Closed => "closed",
            Stage::Rated => "rated",
            Stage::ReviewRequested => "review_requested",
            Stage::UnderReview => "under_review",
            Stage::Merged => "merged",
        }
    }

    /// Whether the case waits for the union (it counts as open in queues and
    /// for the deadline clock). Replied cases wait for the worker.
    pub const fn is_open(self) -> bool {
        matches!(self, Stage::Submitted | Stage::Accepted | Stage::InProgress | Stage::ReviewRequested | Stage::UnderReview)
    }

    /// Whether nothing can ever happen to the case again.
    pub const fn is_final(self) -> bool {
        matches!(self, Stage::Declined | Stage::Merged)
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Stage {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Stage::ALL.into_iter().find(|st| st.as_str() == s).ok_or(Invalid::field("status", "unknown_appeal_status"))
    }
}

/// At which level the case is handled: the base union, a review by the level
/// above, a re-review one level higher still.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Base,
    Review,
    ReReview,
}

impl Level {
    pub const ALL: [Level; 3] = [Level::Base, Level::Review, Level::ReReview];

    pub const fn as_str(self) -> &'static str {
        match self {
            Level::Base => "base",
            Level::Review => "review",
            Level::ReReview => "re_review",
        }
    }

    /// The level a review of this level's reply goes to; none after a re-review.
    pub const fn next(self) -> Option<Level> {
        match self {
            Level::Base => Some(Level::Review),
            Level::Review => Some(Level::ReReview),
            Level::ReReview => None,
        }
    }

    /// How many organisation levels above the base union this level acts.
    pub const fn steps_up(self) -> u8 {
        self as u8
    }
}

impl FromStr for Level {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Level::ALL.into_iter().find(|l| l.as_str() == s).ok_or(Invalid::field("level", "unknown_level"))
    }
}

/// The outcome of a written reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// 支持: the worker's request is met.
    Supported,
    /// 解释说明: explained (a consultation answered, a situation clarified).
    Explained,
    /// 不支持: not supported, with the reasons.
    NotSupported,
}

impl Outcome {
    pub const ALL: [Outcome; 3] = [Outcome::Supported, Outcome::Explained, Outcome::NotSupported];

    pub const fn as_str(self) -> &'static str {
        match self {
            Outcome::Supported => "supported",
            Outcome::Explained => "explained",
            Outcome::NotSupported => "not_supported",
        }
    }
}

impl FromStr for Outcome {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Outcome::ALL.into_iter().find(|o| o.as_str() == s).ok_or(Invalid::field("outcome", "unknown_outcome"))
    }
}

/// A department a union handles a case jointly with (两站联动, 联合调处).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Partner {
    LabourInspectorate,
    LabourArbitration,
    Court,
    PetitionBureau,
    TrafficPolice,
    PlatformCompany,
    RightsLawyer,
}

impl Partner {
    pub const ALL: [Partner; 7] = [
        Partner::LabourInspectorate,
        Partner::LabourArbitration,
        Partner::Court,
        Partner::PetitionBureau,
        Partner::TrafficPolice,
        Partner::PlatformCompany,
        Partner::RightsLawyer,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Partner::LabourInspectorate => "labour_inspectorate",
            Partner::LabourArbitration => "labour_arbitration",
            Partner::Court => "court",
            Partner::PetitionBureau => "petition_bureau",
            Partner::TrafficPolice => "traffic_police",
            Partner::PlatformCompany => "platform_company",
            Partner::RightsLawyer => "rights_lawyer",
        }
    }
}

impl FromStr for Partner {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self, Invalid> {
        Partner::ALL.into_iter().find(|p| p.as_str() == s).ok_or(Invalid::field("partner", "unknown_partner"))
    }
}

/// Who fires an event, relative to the case.
///
/// The caller decides who someone is for a given case (routing knows which
/// union acts and which supervises); here only the role counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Actor {
    /// The worker who filed the appeal.
    Worker,
    /// Staff of the union that acts on the case (the base union at
    /// [`Level::Base`]).
    Handler,
    /// Staff of the level that supervises the acting union; at a review, the
    /// level that reviews.
    Supervisor,
    /// The server itself (the deadline clock).
    System,
}

impl Actor {
    pub const ALL: [Actor; 4] = [Actor::Worker, Actor::Handler, Actor::Supervisor, Actor::System];

    pub const fn as_str(self) -> &'static str {
        match self {
            Actor::Worker => "worker",
            Actor::Handler => "handler",
            Actor::Supervisor => "supervisor",
            Actor::System => "system",
        }
    }
}

/// What can happen to a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// Register the case (or, for a requested review, take the review up).
    Accept,
    Decline { reason: String },
    Start,
    /// A progress note; `to_worker` notes reset the progress-note clock.
    Note { text: String, to_worker: bool },
    /// The one extension of the finishing limit.
    Extend { days: u32, reason: String },
    Reply { outcome: Outcome, text: String },
    /// The worker accepts the reply.
    Confirm,
    /// The worker stayed silent for the configured time after the reply.
    CloseAfterSilence,
    Rate { stars: u8, comment: String },
    Reopen { reason: String },
    RequestReview { reason: String },
    /// A duplicate of case `into` (the caller checks that it exists and differs).
    MergeInto { into: i64 },
    /// Pass the case to union `to` (the caller checks that it exists, is a
    /// union and differs from the present one).
    Transfer { to: i64, reason: String },
    /// Open joint handling with a partner department.
    JoinPartner { partner: Partner, contact: String },
    /// What a joined partner did, recorded on the case.
    PartnerAction { partner: Partner, text: String },
}

impl Event {
    pub const fn name(&self) -> &'static str {
        match self {
            Event::Accept => "accept",
            Event::Decline { .. } => "decline",
            Event::Start => "start",
            Event::Note { .. } => "note",
            Event::Extend { .. } => "extend",
            Event::Reply { .. } => "reply",
            Event::Confirm => "confirm",
            Event::CloseAfterSilence => "close_after_silence",
            Event::Rate { .. } => "rate",
            Event::Reopen { .. } => "reopen",
            Event::RequestReview { .. } => "request_review",
            Event::MergeInto { .. } => "merge_into",
            Event::Transfer { .. } => "transfer",
            Event::JoinPartner { .. } => "join_partner",
            Event::PartnerAction { .. } => "partner_action",
        }
    }
}

/// The longest texts, in characters.
pub const MAX_REASON: usize = 500;
pub const MAX_NOTE: usize = 2000;
pub const MAX_REPLY: usize = 5000;
pub const MAX_COMMENT: usize = 500;

/// A case's state: its stage and the facts the rules need. Dates are China time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseState {
    pub stage: Stage,
    /// The level of the handling under way, or of the last reply.
    pub level: Level,
    pub submitted_on: NaiveDate,
    /// The day the case was accepted (or last reopened): the finishing limit counts from it.
    pub accepted_on: Option<NaiveDate>,
    /// The days granted by the one extension.
    pub extended_by: Option<u32>,
    /// The last note to the worker (or the acceptance): the progress-note clock.
    pub last_note_on: Option<NaiveDate>,
    /// The day the review under way was asked.
    pub review_asked_on: Option<NaiveDate>,
    pub replied_on: Option<NaiveDate>,
    pub outcome: Option<Outcome>,
    pub closed_on: Option<NaiveDate>,
    pub rating: Option<u8>,
    pub merged_into: Option<i64>,
    /// The partner departments handling the case jointly, in the order they joined.
    #[serde(default)]
    pub partners: Vec<Partner>,
}

/// What [`transition`] needs besides the state and the event.
#[derive(Clone, Copy)]
pub struct Context<'a> {
    pub actor: Actor,
    pub today: NaiveDate,
    pub limits: &'a TimeLimits,
    pub calendar: &'a HolidayCalendar,
}

/// Which limit a case's next deadline is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineKind {
    Accept,
    Finish,
    ReviewAnswer,
    /// The next progress note to the worker.
    ProgressNote,
}

impl DeadlineKind {
    pub const fn as_str(self) -> &'static str {
        match self {
            DeadlineKind::Accept => "accept",
            DeadlineKind::Finish => "finish",
            DeadlineKind::ReviewAnswer => "review_answer",
            DeadlineKind::ProgressNote => "progress_note",
        }
    }
}

/// One light of a case on a day: which deadline, when, and its colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Light {
    pub kind: DeadlineKind,
    pub due: NaiveDate,
    pub state: DeadlineState,
}

impl Light {
    /// A red light escalates the case to the supervising level.
    pub const fn escalates(&self) -> bool {
        matches!(self.state, DeadlineState::Breached)
    }
}

impl CaseState {
    /// A case just filed.
    pub fn submitted(on: NaiveDate) -> Self {
        Self {
            stage: Stage::Submitted,
            level: Level::Base,
            submitted_on: on,
            accepted_on: None,
            extended_by: None,
            last_note_on: None,
            review_asked_on: None,
            replied_on: None,
            outcome: None,
            closed_on: None,
            rating: None,
            merged_into: None,
            partners: Vec::new(),
        }
    }

    /// The deadline the union works against now, if the case is open.
    pub fn deadline(&self, limits: &TimeLimits, calendar: &HolidayCalendar) -> Option<(DeadlineKind, NaiveDate)> {
        match self.stage {
            Stage::Submitted => Some((DeadlineKind::Accept, limits.accept.deadline(self.submitted_on, calendar))),
            Stage::Accepted | Stage::InProgress => {
                let from = self.accepted_on?;
                Some((DeadlineKind::Finish, limits.finish_deadline(from, self.extended_by, calendar)))
            }
            Stage::ReviewRequested | Stage::UnderReview => {
                Some((DeadlineKind::ReviewAnswer, limits.review_answer.deadline(self.review_asked_on?, calendar)))
            }
            _ => None,
        }
    }

    /// When the next progress note to the worker is due, while the union works on the case.
    pub fn progress_note_due(&self, limits: &TimeLimits, calendar: &HolidayCalendar) -> Option<NaiveDate> {
        match self.stage {
            Stage::Accepted | Stage::InProgress | Stage::UnderReview => {
                Some(limits.progress_note.deadline(self.last_note_on?, calendar))
            }
            _ => None,
        }
    }

    /// The lights of an open case on `today`: its stage's deadline and the
    /// progress-note clock, each green, yellow (within `warn_lead_days`) or red.
    /// What the deadline sweep warns about and escalates.
    pub fn lights(&self, today: NaiveDate, limits: &TimeLimits, calendar: &HolidayCalendar) -> Vec<Light> {
        let light = |kind, due| Light { kind, due, state: deadline_state(today, due, limits.warn_lead_days) };
        let mut lights = Vec::new();
        if let Some((kind, due)) = self.deadline(limits, calendar) {
            lights.push(light(kind, due));
        }
        if let Some(due) = self.progress_note_due(limits, calendar) {
            lights.push(light(DeadlineKind::ProgressNote, due));
        }
        lights
    }

    /// The days on which something changes for the deadline clock: a light
    /// turns yellow (the first day of its warning lead) or red (the day after
    /// its deadline), or a replied case may close after the worker's silence.
    /// Storage keeps the next one so that the sweep looks at a case only on
    /// the days it has something to do.
    pub fn alert_days(&self, limits: &TimeLimits, calendar: &HolidayCalendar) -> Vec<NaiveDate> {
        let mut days = Vec::new();
        let mut light_days = |due: NaiveDate| {
            if limits.warn_lead_days > 0 {
                days.push(due - chrono::Duration::days(i64::from(limits.warn_lead_days) - 1));
            }
            days.push(due + chrono::Duration::days(1));
        };
        if let Some((_, due)) = self.deadline(limits, calendar) {
            light_days(due);
        }
        if let Some(due) = self.progress_note_due(limits, calendar) {
            light_days(due);
        }
        if let (Stage::Replied, Some(replied_on)) = (self.stage, self.replied_on) {
            days.push(limits.silence_close.deadline(replied_on, calendar) + chrono::Duration::days(1));
        }
        days.sort_unstable();
        days
    }

    /// The last day a review of the last reply may be asked, if one may be.
    pub fn review_window_ends(&self, limits: &TimeLimits, calendar: &HolidayCalendar) -> Option<NaiveDate> {
        self.level.next()?;
        Some(limits.review_window.deadline(self.replied_on?, calendar))
    }
}

fn text(value: &str, field: &'static str, max: usize, required: bool) -> Result<String, Invalid> {
    let trimmed = value.trim();
    if required && trimmed.is_empty() {
        return Err(Invalid::field(field, if field == "reason" { "reason_required" } else { "required" }));
    }
    if trimmed.chars().count() > max {
        return Err(Invalid::field(field, "text_too_long"));
    }
    if trimmed.chars().any(|c| c.is_control() && c != '\n') {
        return Err(Invalid::field(field, "invalid_value"));
    }
    Ok(trimmed.to_owned())
}

const ILLEGAL: Invalid = Invalid::field("status", "illegal_transition");
const NOT_YOURS: Invalid = Invalid::field("actor", "actor_not_allowed");

/// Whether `actor` may fire `event` on a case in `state`. Staff events at the
/// base level are the handler's, and the supervising level may take them over;
/// at a review they are the reviewing level's alone. The worker confirms, rates,
/// reopens and asks for reviews; only the server closes after silence.
pub fn may_fire(actor: Actor, event: &Event, state: &CaseState) -> bool {
    match event {
        Event::Confirm | Event::Rate { .. } | Event::Reopen { .. } | Event::RequestReview { .. } => actor == Actor::Worker,
        Event::CloseAfterSilence => actor == Actor::System,
        Event::Accept
        | Event::Decline { .. }
        | Event::Start
        | Event::Note { .. }
        | Event::Extend { .. }
        | Event::Reply { .. }
        | Event::MergeInto { .. }
        | Event::Transfer { .. }
        | Event::JoinPartner { .. }
        | Event::PartnerAction { .. } => {
            let reviewing = matches!(state.stage, Stage::ReviewRequested | Stage::UnderReview);
            if reviewing {
                actor == Actor::Supervisor
            } else {
                matches!(actor, Actor::Handler | Actor::Supervisor)
            }
        }
    }
}

/// Moves a case by one event, or says why it cannot move. On error nothing
/// changes (the state is taken by reference and a new one returned).
///
/// Checks, in order: the event is legal in the stage (`illegal_transition`,
/// `matter_final` for a review after the re-review), the actor may fire it
/// (`actor_not_allowed`), then the event's own rules.
pub fn transition(state: &CaseState, event: &Event, cx: &Context<'_>) -> Result<CaseState, Invalid> {
    use Stage::*;
    let legal = match event {
        Event::Accept => matches!(state.stage, Submitted | ReviewRequested),
        Event::Decline { .. } => state.stage == Submitted,
        Event::Start => state.stage == Accepted,
        Event::Note { .. } => matches!(state.stage, Accepted | InProgress | UnderReview),
        Event::Extend { .. } => matches!(state.stage, Accepted | InProgress),
        Event::Reply { .. } => matches!(state.stage, Accepted | InProgress | UnderReview),
        Event::Confirm | Event::CloseAfterSilence => state.stage == Replied,
        Event::Rate { .. } => state.stage == Closed,
        Event::Reopen { .. } => matches!(state.stage, Closed | Rated),
        Event::RequestReview { .. } => matches!(state.stage, Replied | Closed | Rated),
        Event::MergeInto { .. } | Event::Transfer { .. } => matches!(state.stage, Submitted | Accepted | InProgress),
        Event::JoinPartner { .. } | Event::PartnerAction { .. } => matches!(state.stage, Accepted | InProgress | UnderReview),
    };
    if !legal {
        return Err(ILLEGAL);
    }
    if matches!(event, Event::RequestReview { .. }) && state.level.next().is_none() {
        return Err(Invalid::field("status", "matter_final"));
    }
    if !may_fire(cx.actor, event, state) {
        return Err(NOT_YOURS);
    }

    let today = cx.today;
    let mut next = state.clone();
    match event {
        Event::Accept => {
            if state.stage == Submitted {
                next.stage = Accepted;
                next.accepted_on = Some(today);
            } else {
                next.stage = UnderReview;
            }
            next.last_note_on = Some(today);
        }
        Event::Decline { reason } => {
            text(reason, "reason", MAX_REASON, true)?;
            next.stage = Declined;
        }
        Event::Start => next.stage = InProgress,
        Event::Note { text: note, to_worker } => {
            text(note, "text", MAX_NOTE, true)?;
            if *to_worker {
                next.last_note_on = Some(today);
            }
        }
        Event::Extend { days, reason } => {
            if state.extended_by.is_some() {
                return Err(Invalid::field("days", "extension_already_used"));
            }
            if *days == 0 {
                return Err(Invalid::field("days", "invalid_extension"));
            }
            if *days > cx.limits.max_extension_days {
                return Err(Invalid::field("days", "extension_too_long"));
            }
            text(reason, "reason", MAX_REASON, true)?;
            next.extended_by = Some(*days);
        }
        Event::Reply { outcome, text: reply } => {
            text(reply, "text", MAX_REPLY, true)?;
            next.stage = Replied;
            next.replied_on = Some(today);
            next.outcome = Some(*outcome);
            next.review_asked_on = None;
        }
        Event::Confirm => {
            next.stage = Closed;
            next.closed_on = Some(today);
        }
        Event::CloseAfterSilence => {
            let replied_on = state.replied_on.ok_or(ILLEGAL)?;
            if today <= cx.limits.silence_close.deadline(replied_on, cx.calendar) {
                return Err(Invalid::field("status", "silence_not_elapsed"));
            }
            next.stage = Closed;
            next.closed_on = Some(today);
        }
        Event::Rate { stars, comment } => {
            if !(1..=5).contains(stars) {
                return Err(Invalid::field("stars", "invalid_rating"));
            }
            text(comment, "comment", MAX_COMMENT, false)?;
            next.stage = Rated;
            next.rating = Some(*stars);
        }
        Event::Reopen { reason } => {
            if state.level != Level::Base {
                return Err(Invalid::field("status", "reopen_after_review"));
            }
            let closed_on = state.closed_on.ok_or(ILLEGAL)?;
            if today > cx.limits.reopen_window.deadline(closed_on, cx.calendar) {
                return Err(Invalid::field("status", "reopen_window_closed"));
            }
            text(reason, "reason", MAX_REASON, true)?;
            next.stage = InProgress;
            next.accepted_on = Some(today);
            next.last_note_on = Some(today);
            next.replied_on = None;
            next.outcome = None;
            next.closed_on = None;
            next.rating = None;
        }
        Event::RequestReview { reason } => {
            let level = state.level.next().ok_or(Invalid::field("status", "matter_final"))?;
            let replied_on = state.replied_on.ok_or(ILLEGAL)?;
            if today > cx.limits.review_window.deadline(replied_on, cx.calendar) {
                return Err(Invalid::field("status", "review_window_closed"));
            }
            text(reason, "reason", MAX_REASON, true)?;
            next.stage = ReviewRequested;
            next.level = level;
            next.review_asked_on = Some(today);
            next.closed_on = None;
            next.rating = None;
        }
        Event::MergeInto { into } => {
            next.stage = Merged;
            next.merged_into = Some(*into);
        }
        Event::Transfer { reason, .. } => {
            text(reason, "reason", MAX_REASON, true)?;
        }
        Event::JoinPartner { partner, contact } => {
            if state.partners.contains(partner) {
                return Err(Invalid::field("partner", "partner_already_joined"));
            }
            text(contact, "contact", MAX_REASON, false)?;
            next.partners.push(*partner);
        }
        Event::PartnerAction { partner, text: action } => {
            if !state.partners.contains(partner) {
                return Err(Invalid::field("partner", "partner_not_joined"));
            }
            text(action, "text", MAX_NOTE, true)?;
        }
    }
    Ok(next)
}

/// The events `cx.actor` may fire on the case now, by name: those whose
/// stage, actor and windows allow them, whatever the actor will write (a
/// reason, a reply). What a case page offers as buttons.
pub fn offered(state: &CaseState, cx: &Context<'_>) -> Vec<&'static str> {
    let x = || "x".to_owned();
    let samples = [
        Event::Accept,
        Event::Decline { reason: x() },
        Event::Start,
        Event::Note { text: x(), to_worker: true },
        Event::Extend { days: 1, reason: x() },
        Event::Reply { outcome: Outcome::Explained, text: x() },
        Event::Confirm,
        Event::Rate { stars: 5, comment: String::new() },
        Event::Reopen { reason: x() },
        Event::RequestReview { reason: x() },
        Event::MergeInto { into: 0 },
        Event::Transfer { to: 0, reason: x() },
        Event::JoinPartner { partner: Partner::ALL.into_iter().find(|p| !state.partners.contains(p)).unwrap_or(Partner::Court), contact: String::new() },
        Event::PartnerAction { partner: state.partners.first().copied().unwrap_or(Partner::Court), text: x() },
    ];
    samples.iter().filter(|event| transition(state, event, cx).is_ok()).map(Event::name).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::appeals::limits::Span;
    use chrono::Duration;
    use proptest::prelude::*;

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    const LIMITS: TimeLimits = TimeLimits {
        accept: Span::calendar(15),
        finish: Span::calendar(60),
        max_extension_days: 30,
        review_answer: Span::calendar(30),
        review_window: Span::calendar(30),
        progress_note: Span::working(5),
        silence_close: Span::calendar(15),
        reopen_window: Span::calendar(30),
        warn_lead_days: 3,
    };

    fn cx(actor: Actor, today: NaiveDate) -> Context<'static> {
        Context { actor, today, limits: &LIMITS, calendar: HolidayCalendar::official() }
    }

    fn reply() -> Event {
        Event::Reply { outcome: Outcome::Supported, text: "已协调平台发放工资".into() }
    }

    fn reason(r: &str) -> String {
        r.to_owned()
    }

    /// Applies `steps` from a case filed on 2025-09-30, panicking on a refusal.
    fn run(steps: &[(Actor, &str, Event)]) -> CaseState {
        let mut state = CaseState::submitted(date("2025-09-30"));
        for (actor, day, event) in steps {
            state = transition(&state, event, &cx(*actor, date(day))).unwrap_or_else(|e| panic!("{}: {e}", event.name()));
        }
        state
    }

    fn replied() -> CaseState {
        run(&[
            (Actor::Handler, "2025-10-09", Event::Accept),
            (Actor::Handler, "2025-10-09", Event::Start),
            (Actor::Handler, "2025-10-20", reply()),
        ])
    }

    #[test]
    fn a_transfer_keeps_the_stage_and_the_clock_and_needs_a_reason() {
        let accepted = run(&[(Actor::Handler, "2025-10-09", Event::Accept)]);
        let moved = transition(&accepted, &Event::Transfer { to: 9, reason: "属地在江北区".into() }, &cx(Actor::Handler, date("2025-10-10")))
            .unwrap();
        assert_eq!(moved, accepted, "the stage and every deadline run on");
        let no_reason = transition(&accepted, &Event::Transfer { to: 9, reason: " ".into() }, &cx(Actor::Handler, date("2025-10-10")));
        assert_eq!(no_reason.unwrap_err().code, "reason_required");
        let by_worker = transition(&accepted, &Event::Transfer { to: 9, reason: "x".into() }, &cx(Actor::Worker, date("2025-10-10")));
        assert_eq!(by_worker.unwrap_err().code, "actor_not_allowed");
        let replied = replied();
        let late = transition(&replied, &Event::Transfer { to: 9, reason: "x".into() }, &cx(Actor::Handler, date("2025-10-21")));
        assert_eq!(late.unwrap_err().code, "illegal_transition");
    }

    #[test]
    fn partners_join_once_and_only_joined_partners_act() {
        let accepted = run(&[(Actor::Handler, "2025-10-09", Event::Accept)]);
        let today = cx(Actor::Handler, date("2025-10-10"));
        let action = Event::PartnerAction { partner: Partner::LabourInspectorate, text: "已约谈用工企业".into() };
        assert_eq!(transition(&accepted, &action, &today).unwrap_err().code, "partner_not_joined");
        let join = Event::JoinPartner { partner: Partner::LabourInspectorate, contact: "德化县劳动监察大队".into() };
        let joint = transition(&accepted, &join, &today).unwrap();
        assert_eq!(joint.partners, vec![Partner::LabourInspectorate]);
        assert_eq!(joint.stage, Stage::Accepted);
        assert_eq!(transition(&joint, &join, &today).unwrap_err().code, "partner_already_joined");
        assert_eq!(transition(&joint, &action, &today).unwrap(), joint);
        let submitted = CaseState::submitted(date("2025-09-30"));
        assert_eq!(transition(&submitted, &join, &today).unwrap_err().code, "illegal_transition");
    }

    #[test]
    fn every_partner_round_trips_through_its_name() {
        for partner in Partner::ALL {
            assert_eq!(partner.as_str().parse::<Partner>(), Ok(partner));
        }
        assert!("astrologer".parse::<Partner>().is_err());
    }

    #[test]
    fn the_clock_looks_at_a_case_only_when_a_light_changes() {
        // Filed 09-30: accept within 15 days → 10-15; yellow from 10-13 (3 days), red from 10-16.
        let submitted = CaseState::submitted(date("2025-09-30"));
        assert_eq!(submitted.alert_days(&LIMITS, HolidayCalendar::official()), [date("2025-10-13"), date("2025-10-16")]);
        for day in ["2025-10-12", "2025-10-13", "2025-10-15", "2025-10-16"] {
            let today = date(day);
            let lights = submitted.lights(today, &LIMITS, HolidayCalendar::official());
            let yesterday = submitted.lights(today - Duration::days(1), &LIMITS, HolidayCalendar::official());
            let changed = lights.iter().zip(&yesterday).any(|(a, b)| a.state != b.state);
            assert_eq!(changed, submitted.alert_days(&LIMITS, HolidayCalendar::official()).contains(&today), "{day}");
        }
        let replied = replied();
        assert!(replied.alert_days(&LIMITS, HolidayCalendar::official()).iter().any(|d| transition(&replied, &Event::CloseAfterSilence, &cx(Actor::System, *d)).is_ok()));
        let rated = transition(&transition(&replied, &Event::Confirm, &cx(Actor::Worker, date("2025-10-21"))).unwrap(), &Event::Rate { stars: 5, comment: String::new() }, &cx(Actor::Worker, date("2025-10-21"))).unwrap();
        assert!(rated.alert_days(&LIMITS, HolidayCalendar::official()).is_empty());
    }

    #[test]
    fn a_case_offers_each_actor_what_it_may_do_now() {
        let submitted = CaseState::submitted(date("2025-09-30"));
        let today = date("2025-10-09");
        assert_eq!(offered(&submitted, &cx(Actor::Handler, today)), ["accept", "decline", "merge_into", "transfer"]);
        assert!(offered(&submitted, &cx(Actor::Worker, today)).is_empty());
        let replied = replied();
        assert_eq!(offered(&replied, &cx(Actor::Worker, date("2025-10-21"))), ["confirm", "request_review"]);
        // The review window of a reply on 10-20 closes on 11-19.
        assert_eq!(offered(&replied, &cx(Actor::Worker, date("2025-11-20"))), ["confirm"]);
    }

    #[test]
    fn the_happy_path_ends_rated() {
        let state = run(&[
            (Actor::Handler, "2025-10-09", Event::Accept),
            (Actor::Handler, "2025-10-09", Event::Start),
            (Actor::Handler, "2025-10-13", Event::Note { text: "已联系站点".into(), to_worker: true }),
            (Actor::Handler, "2025-10-20", reply()),
            (Actor::Worker, "2025-10-21", Event::Confirm),
            (Actor::Worker, "2025-10-21", Event::Rate { stars: 5, comment: "很快".into() }),
        ]);
        assert_eq!(state.stage, Stage::Rated);
        assert_eq!(state.accepted_on, Some(date("2025-10-09")));
        assert_eq!(state.last_note_on, Some(date("2025-10-13")));
        assert_eq!(state.replied_on, Some(date("2025-10-20")));
        assert_eq!(state.outcome, Some(Outcome::Supported));
        assert_eq!(state.closed_on, Some(date("2025-10-21")));
        assert_eq!(state.rating, Some(5));
    }

    /// Every (stage, event) pair: legal ones with a permitted actor succeed,
    /// the others are `illegal_transition` (or `matter_final`).
    #[test]
    fn the_transition_table_is_exhaustive() {
        let events = [
            Event::Accept,
            Event::Decline { reason: reason("不属于工会受理范围") },
            Event::Start,
            Event::Note { text: "进展".into(), to_worker: false },
            Event::Extend { days: 30, reason: reason("需劳动监察调查") },
            reply(),
            Event::Confirm,
            Event::CloseAfterSilence,
            Event::Rate { stars: 4, comment: String::new() },
            Event::Reopen { reason: reason("工资仍未到账") },
            Event::RequestReview { reason: reason("不满意") },
            Event::MergeInto { into: 42 },
        ];
        use Stage::*;
        // (stage, the events legal in it)
        let table: [(Stage, &[&str]); 10] = [
            (Submitted, &["accept", "decline", "merge_into"]),
            (Accepted, &["start", "note", "extend", "reply", "merge_into"]),
            (Declined, &[]),
            (InProgress, &["note", "extend", "reply", "merge_into"]),
            (Replied, &["confirm", "close_after_silence", "request_review"]),
            (Closed, &["rate", "reopen", "request_review"]),
            (Rated, &["reopen", "request_review"]),
            (ReviewRequested, &["accept"]),
            (UnderReview, &["note", "reply"]),
            (Merged, &[]),
        ];
        let submitted = date("2025-09-30");
        for (stage, legal) in table {
            // A state in `stage` with the facts a case there has.
            let mut state = CaseState::submitted(submitted);
            state.stage = stage;
            state.accepted_on = Some(submitted);
            state.last_note_on = Some(submitted);
            state.replied_on = Some(submitted);
            state.closed_on = Some(submitted);
            if matches!(stage, ReviewRequested | UnderReview) {
                state.level = Level::Review;
                state.review_asked_on = Some(submitted);
            }
            let today = date("2025-10-20"); // silence elapsed, windows still open
            for event in &events {
                let outcomes: Vec<Result<CaseState, Invalid>> =
                    Actor::ALL.iter().map(|actor| transition(&state, event, &cx(*actor, today))).collect();
                if legal.contains(&event.name()) {
                    let ok: Vec<Actor> =
                        Actor::ALL.into_iter().zip(&outcomes).filter(|(_, r)| r.is_ok()).map(|(a, _)| a).collect();
                    assert_eq!(ok.len(), Actor::ALL.iter().filter(|a| may_fire(**a, event, &state)).count(), "{stage} {}", event.name());
                    assert!(!ok.is_empty(), "{stage} {} refused for everyone: {:?}", event.name(), outcomes);
                    for (actor, result) in Actor::ALL.into_iter().zip(&outcomes) {
                        if let Err(e) = result {
                            assert_eq!(e.code, "actor_not_allowed", "{stage} {} by {actor:?}", event.name());
                        }
                    }
                } else {
                    for result in outcomes {
                        assert_eq!(result.unwrap_err().code, "illegal_transition", "{stage} {}", event.name());
                    }
                }
            }
        }
    }

    #[test]
    fn who_may_fire_what() {
        let base = CaseState::submitted(date("2025-09-30"));
        let mut review = base.clone();
        review.stage = Stage::ReviewRequested;
        let staff = [Event::Accept, Event::Start, reply(), Event::MergeInto { into: 1 }];
        for event in &staff {
            assert!(may_fire(Actor::Handler, event, &base) && may_fire(Actor::Supervisor, event, &base), "supervisors may take over");
            assert!(!may_fire(Actor::Worker, event, &base) && !may_fire(Actor::System, event, &base));
            assert!(!may_fire(Actor::Handler, event, &review), "a review is the level above's");
            assert!(may_fire(Actor::Supervisor, event, &review));
        }
        for event in [Event::Confirm, Event::Rate { stars: 3, comment: String::new() }, Event::RequestReview { reason: reason("x") }] {
            assert!(may_fire(Actor::Worker, &event, &base));
            assert!(!may_fire(Actor::Handler, &event, &base) && !may_fire(Actor::Supervisor, &event, &base));
        }
        assert!(may_fire(Actor::System, &Event::CloseAfterSilence, &base));
        assert!(!may_fire(Actor::Worker, &Event::CloseAfterSilence, &base));
        let error = transition(&base, &Event::Accept, &cx(Actor::Worker, date("2025-10-09"))).unwrap_err();
        assert_eq!(error, Invalid::field("actor", "actor_not_allowed"));
    }

    #[test]
    fn one_extension_of_at_most_the_limit() {
        let state = run(&[(Actor::Handler, "2025-10-09", Event::Accept)]);
        let day = cx(Actor::Handler, date("2025-11-20"));
        let too_long = Event::Extend { days: 31, reason: reason("调查") };
        assert_eq!(transition(&state, &too_long, &day).unwrap_err().code, "extension_too_long");
        let none = Event::Extend { days: 0, reason: reason("调查") };
        assert_eq!(transition(&state, &none, &day).unwrap_err().code, "invalid_extension");
        let silent = Event::Extend { days: 30, reason: reason("  ") };
        assert_eq!(transition(&state, &silent, &day).unwrap_err(), Invalid::field("reason", "reason_required"));
        let extended = transition(&state, &Event::Extend { days: 30, reason: reason("需劳动监察调查") }, &day).unwrap();
        assert_eq!(extended.extended_by, Some(30));
        let again = Event::Extend { days: 1, reason: reason("再延") };
        assert_eq!(transition(&extended, &again, &day).unwrap_err().code, "extension_already_used");
        // The finishing deadline moves by the extension: 60 days → 12-08, 90 → 2026-01-07.
        let cal = HolidayCalendar::official();
        assert_eq!(state.deadline(&LIMITS, cal), Some((DeadlineKind::Finish, date("2025-12-08"))));
        assert_eq!(extended.deadline(&LIMITS, cal), Some((DeadlineKind::Finish, date("2026-01-07"))));
    }

    #[test]
    fn deadlines_follow_the_stage() {
        let cal = HolidayCalendar::official();
        let filed = CaseState::submitted(date("2025-09-30"));
        assert_eq!(filed.deadline(&LIMITS, cal), Some((DeadlineKind::Accept, date("2025-10-15"))));
        assert_eq!(filed.progress_note_due(&LIMITS, cal), None);
        let accepted = transition(&filed, &Event::Accept, &cx(Actor::Handler, date("2025-09-30"))).unwrap();
        assert_eq!(accepted.progress_note_due(&LIMITS, cal), Some(date("2025-10-14")), "5 working days over the holiday");
        let state = replied();
        assert_eq!(state.deadline(&LIMITS, cal), None, "a replied case waits for the worker");
        assert_eq!(state.review_window_ends(&LIMITS, cal), Some(date("2025-11-19")));
        let asked = transition(&state, &Event::RequestReview { reason: reason("不满意") }, &cx(Actor::Worker, date("2025-11-03"))).unwrap();
        assert_eq!(asked.deadline(&LIMITS, cal), Some((DeadlineKind::ReviewAnswer, date("2025-12-03"))));
    }

    #[test]
    fn the_lights_turn_yellow_then_red_and_red_escalates() {
        let cal = HolidayCalendar::official();
        let filed = CaseState::submitted(date("2025-09-30")); // accept by 10-15, warned from 10-13
        let on = |day| filed.lights(date(day), &LIMITS, cal);
        assert_eq!(on("2025-10-12"), [Light { kind: DeadlineKind::Accept, due: date("2025-10-15"), state: DeadlineState::Ok }]);
        assert_eq!(on("2025-10-13")[0].state, DeadlineState::Warning);
        assert!(!on("2025-10-15")[0].escalates());
        assert!(on("2025-10-16")[0].escalates());
        let accepted = transition(&filed, &Event::Accept, &cx(Actor::Handler, date("2025-10-09"))).unwrap();
        let lights = accepted.lights(date("2025-10-17"), &LIMITS, cal);
        let kinds: Vec<&str> = lights.iter().map(|l| l.kind.as_str()).collect();
        assert_eq!(kinds, ["finish", "progress_note"]);
        assert_eq!(lights[1].due, date("2025-10-15"), "a note every 5 working days: 10-10, 11 (adjusted), 13, 14, 15");
        assert!(lights[1].escalates() && !lights[0].escalates());
        assert!(replied().lights(date("2026-06-01"), &LIMITS, cal).is_empty(), "no clock while the worker decides");
    }

    #[test]
    fn a_declined_case_needs_a_reason_and_is_final() {
        let state = CaseState::submitted(date("2025-09-30"));
        let day = cx(Actor::Handler, date("2025-10-09"));
        assert_eq!(transition(&state, &Event::Decline { reason: reason("") }, &day).unwrap_err().code, "reason_required");
        let declined = transition(&state, &Event::Decline { reason: reason("属于法院受理范围") }, &day).unwrap();
        assert!(declined.stage.is_final());
        assert_eq!(transition(&declined, &Event::Accept, &day).unwrap_err().code, "illegal_transition");
    }

    #[test]
    fn a_reply_on_a_closed_case_is_refused() {
        let state = run(&[
            (Actor::Handler, "2025-10-09", Event::Accept),
            (Actor::Handler, "2025-10-20", reply()),
            (Actor::Worker, "2025-10-21", Event::Confirm),
        ]);
        assert_eq!(state.stage, Stage::Closed);
        let error = transition(&state, &reply(), &cx(Actor::Handler, date("2025-10-22"))).unwrap_err();
        assert_eq!(error, Invalid::field("status", "illegal_transition"));
        let empty = Event::Reply { outcome: Outcome::Explained, text: " ".into() };
        let open = run(&[(Actor::Handler, "2025-10-09", Event::Accept)]);
        assert_eq!(transition(&open, &empty, &cx(Actor::Handler, date("2025-10-10"))).unwrap_err(), Invalid::field("text", "required"));
    }

    #[test]
    fn the_server_closes_only_after_the_silence() {
        let state = replied(); // replied 10-20, silence 15 days → closable from 11-05
        let system = |day| cx(Actor::System, date(day));
        assert_eq!(transition(&state, &Event::CloseAfterSilence, &system("2025-11-04")).unwrap_err().code, "silence_not_elapsed");
        let closed = transition(&state, &Event::CloseAfterSilence, &system("2025-11-05")).unwrap();
        assert_eq!((closed.stage, closed.closed_on), (Stage::Closed, Some(date("2025-11-05"))));
    }

    #[test]
    fn ratings_are_one_to_five_and_given_once() {
        let closed = transition(&replied(), &Event::Confirm, &cx(Actor::Worker, date("2025-10-21"))).unwrap();
        let worker = cx(Actor::Worker, date("2025-10-22"));
        for stars in [0, 6, 255] {
            assert_eq!(transition(&closed, &Event::Rate { stars, comment: String::new() }, &worker).unwrap_err().code, "invalid_rating");
        }
        let long = Event::Rate { stars: 3, comment: "长".repeat(501) };
        assert_eq!(transition(&closed, &long, &worker).unwrap_err().code, "text_too_long");
        let rated = transition(&closed, &Event::Rate { stars: 1, comment: String::new() }, &worker).unwrap();
        assert_eq!(transition(&rated, &Event::Rate { stars: 5, comment: String::new() }, &worker).unwrap_err().code, "illegal_transition");
    }

    #[test]
    fn reviews_go_up_twice_within_the_window_then_the_matter_is_final() {
        let worker = |day| cx(Actor::Worker, date(day));
        let above = |day| cx(Actor::Supervisor, date(day));
        let ask = Event::RequestReview { reason: reason("不满意答复") };
        let state = replied(); // replied 2025-10-20: the window runs to 11-19
        assert_eq!(transition(&state, &ask, &worker("2025-11-20")).unwrap_err(), Invalid::field("status", "review_window_closed"));
        let asked = transition(&state, &ask, &worker("2025-11-19")).unwrap();
        assert_eq!((asked.stage, asked.level), (Stage::ReviewRequested, Level::Review));
        assert_eq!(transition(&asked, &Event::Accept, &cx(Actor::Handler, date("2025-11-20"))).unwrap_err().code, "actor_not_allowed");
        let under = transition(&asked, &Event::Accept, &above("2025-11-20")).unwrap();
        assert_eq!(under.stage, Stage::UnderReview);
        assert_eq!(transition(&under, &Event::Extend { days: 5, reason: reason("x") }, &above("2025-11-21")).unwrap_err().code, "illegal_transition");
        let reviewed = transition(&under, &reply(), &above("2025-12-01")).unwrap();
        assert_eq!((reviewed.stage, reviewed.level, reviewed.replied_on), (Stage::Replied, Level::Review, Some(date("2025-12-01"))));
        // The re-review, one level higher, within 30 days of the review's answer.
        let closed = transition(&reviewed, &Event::Confirm, &worker("2025-12-02")).unwrap();
        assert_eq!(transition(&closed, &Event::Reopen { reason: reason("x") }, &worker("2025-12-03")).unwrap_err().code, "reopen_after_review");
        let again = transition(&closed, &ask, &worker("2025-12-31")).unwrap();
        assert_eq!((again.stage, again.level, again.closed_on), (Stage::ReviewRequested, Level::ReReview, None));
        let under = transition(&again, &Event::Accept, &above("2026-01-05")).unwrap();
        let final_reply = transition(&under, &reply(), &above("2026-01-20")).unwrap();
        assert_eq!(final_reply.review_window_ends(&LIMITS, HolidayCalendar::official()), None);
        assert_eq!(transition(&final_reply, &ask, &worker("2026-01-21")).unwrap_err(), Invalid::field("status", "matter_final"));
        let closed = transition(&final_reply, &Event::Confirm, &worker("2026-01-21")).unwrap();
        assert_eq!(transition(&closed, &ask, &worker("2026-01-22")).unwrap_err().code, "matter_final");
    }

    #[test]
    fn the_worker_reopens_within_the_window() {
        let closed = transition(&replied(), &Event::Confirm, &cx(Actor::Worker, date("2025-10-21"))).unwrap();
        let rated = transition(&closed, &Event::Rate { stars: 2, comment: String::new() }, &cx(Actor::Worker, date("2025-10-21"))).unwrap();
        let reopen = Event::Reopen { reason: reason("工资仍未到账") };
        // Closed 10-21: 30 days → 11-20.
        assert_eq!(transition(&rated, &reopen, &cx(Actor::Worker, date("2025-11-21"))).unwrap_err().code, "reopen_window_closed");
        assert_eq!(transition(&rated, &reopen, &cx(Actor::Handler, date("2025-11-20"))).unwrap_err().code, "actor_not_allowed");
        let open = transition(&rated, &reopen, &cx(Actor::Worker, date("2025-11-20"))).unwrap();
        assert_eq!(open.stage, Stage::InProgress);
        assert_eq!((open.replied_on, open.closed_on, open.rating, open.outcome), (None, None, None, None));
        assert_eq!(open.accepted_on, Some(date("2025-11-20")), "the finishing limit counts from the reopening");
    }

    #[test]
    fn duplicates_merge_into_another_case_and_stop() {
        let state = run(&[(Actor::Handler, "2025-10-09", Event::Accept), (Actor::Supervisor, "2025-10-09", Event::MergeInto { into: 7 })]);
        assert_eq!((state.stage, state.merged_into), (Stage::Merged, Some(7)));
        assert!(state.stage.is_final() && !state.stage.is_open());
    }

    #[test]
    fn names_round_trip() {
        for stage in Stage::ALL {
            assert_eq!(stage.as_str().parse(), Ok(stage));
            assert_eq!(serde_json::to_value(stage).unwrap(), stage.as_str());
        }
        for level in Level::ALL {
            assert_eq!(level.as_str().parse(), Ok(level));
        }
        for outcome in Outcome::ALL {
            assert_eq!(outcome.as_str().parse(), Ok(outcome));
        }
        assert_eq!("done".parse::<Stage>().unwrap_err().code, "unknown_appeal_status");
        assert_eq!(Level::ReReview.steps_up(), 2);
        let json = serde_json::to_value(Event::Extend { days: 10, reason: reason("x") }).unwrap();
        assert_eq!(json, serde_json::json!({"event": "extend", "days": 10, "reason": "x"}));
    }

    fn any_event() -> impl Strategy<Value = Event> {
        prop_oneof![
            Just(Event::Accept),
            prop_oneof![Just(""), Just("理由")].prop_map(|r| Event::Decline { reason: r.into() }),
            Just(Event::Start),
            any::<bool>().prop_map(|to_worker| Event::Note { text: "进展".into(), to_worker }),
            (0u32..40).prop_map(|days| Event::Extend { days, reason: "调查".into() }),
            prop_oneof![Just(Outcome::Supported), Just(Outcome::Explained), Just(Outcome::NotSupported)]
                .prop_map(|outcome| Event::Reply { outcome, text: "答复".into() }),
            Just(Event::Confirm),
            Just(Event::CloseAfterSilence),
            (0u8..7).prop_map(|stars| Event::Rate { stars, comment: String::new() }),
            Just(Event::Reopen { reason: "未解决".into() }),
            Just(Event::RequestReview { reason: "不满意".into() }),
            (1i64..100).prop_map(|into| Event::MergeInto { into }),
            (1i64..100).prop_map(|to| Event::Transfer { to, reason: "属地".into() }),
            (0usize..Partner::ALL.len()).prop_map(|i| Event::JoinPartner { partner: Partner::ALL[i], contact: String::new() }),
            (0usize..Partner::ALL.len()).prop_map(|i| Event::PartnerAction { partner: Partner::ALL[i], text: "已协调".into() }),
        ]
    }

    fn any_actor() -> impl Strategy<Value = Actor> {
        prop_oneof![Just(Actor::Worker), Just(Actor::Handler), Just(Actor::Supervisor), Just(Actor::System)]
    }

    /// The facts that must hold of every state a case can reach.
    fn consistent(state: &CaseState) -> Result<(), String> {
        use Stage::*;
        let replied = state.replied_on.is_some() && state.outcome.is_some();
        let ok = match state.stage {
            Submitted => state.accepted_on.is_none() && !replied,
            Accepted | InProgress => state.accepted_on.is_some() && state.level == Level::Base && !replied,
            Replied => replied && state.closed_on.is_none(),
            Closed => replied && state.closed_on.is_some() && state.rating.is_none(),
            Rated => replied && state.closed_on.is_some() && state.rating.is_some_and(|r| (1..=5).contains(&r)),
            ReviewRequested | UnderReview => state.level > Level::Base && state.review_asked_on.is_some() && state.replied_on.is_some(),
            Declined => state.accepted_on.is_none(),
            Merged => state.merged_into.is_some(),
        };
        let extension_ok = state.extended_by.is_none_or(|d| (1..=LIMITS.max_extension_days).contains(&d));
        if ok && extension_ok {
            Ok(())
        } else {
            Err(format!("{state:?}"))
        }
    }

    /// Random walks (seeded) reach every stage, so the property below is not
    /// vacuous, and every state they reach is consistent.
    #[test]
    fn random_walks_reach_every_stage() {
        use rand::{Rng, SeedableRng};
        let events = [
            Event::Accept,
            Event::Decline { reason: "理由".into() },
            Event::Start,
            Event::Note { text: "进展".into(), to_worker: true },
            Event::Extend { days: 20, reason: "调查".into() },
            reply(),
            Event::Confirm,
            Event::CloseAfterSilence,
            Event::Rate { stars: 4, comment: String::new() },
            Event::Reopen { reason: "未解决".into() },
            Event::RequestReview { reason: "不满意".into() },
            Event::MergeInto { into: 3 },
        ];
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(8);
        let mut seen = std::collections::BTreeSet::from([Stage::Submitted.as_str()]);
        for _ in 0..3000 {
            let mut state = CaseState::submitted(date("2025-09-30"));
            let mut today = date("2025-09-30");
            for _ in 0..60 {
                today += Duration::days(rng.gen_range(0..10));
                let actor = Actor::ALL[rng.gen_range(0..Actor::ALL.len())];
                let event = &events[rng.gen_range(0..events.len())];
                if let Ok(next) = transition(&state, event, &cx(actor, today)) {
                    state = next;
                    consistent(&state).unwrap();
                    seen.insert(state.stage.as_str());
                }
            }
        }
        let all: std::collections::BTreeSet<&str> = Stage::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(seen, all);
    }

    proptest! {
        #[test]
        fn random_sequences_reach_only_consistent_states(steps in proptest::collection::vec((any_actor(), any_event(), 0i64..12), 1..80)) {
            let mut state = CaseState::submitted(date("2025-09-30"));
            let mut today = date("2025-09-30");
            let mut extensions = 0;
            for (actor, event, wait) in steps {
                today += Duration::days(wait);
                let before = state.clone();
                match transition(&state, &event, &cx(actor, today)) {
                    Ok(next) => {
                        prop_assert!(may_fire(actor, &event, &before));
                        prop_assert!(!before.stage.is_final(), "nothing follows a final stage");
                        match next.stage {
                            Stage::Closed => prop_assert_eq!(before.stage, Stage::Replied, "closed only follows a reply"),
                            Stage::Rated => prop_assert_eq!(before.stage, Stage::Closed, "rated only follows closed"),
                            _ => {}
                        }
                        prop_assert!(next.level >= before.level, "levels only go up");
                        if next.extended_by != before.extended_by {
                            extensions += 1;
                        }
                        prop_assert!(extensions <= 1);
                        prop_assert!(next.stage != before.stage || matches!(event, Event::Note { .. } | Event::Extend { .. } | Event::Transfer { .. } | Event::JoinPartner { .. } | Event::PartnerAction { .. }),
                            "only notes and extensions keep the stage");
                        state = next;
                    }
                    Err(invalid) => prop_assert!(!invalid.code.is_empty()),
                }
                if let Err(why) = consistent(&state) {
                    prop_assert!(false, "inconsistent after {}: {}", event.name(), why);
                }
            }
        }
    }
}
