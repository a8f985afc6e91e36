//! Appeals (诉求): the rules of a worker's appeal — its types and categories,
//! routing down the organisation tree to the union that covers the place, the
//! workflow's states and transitions, the time limits in working days, escalation
//! when late. Empty until the appeals capability lands; it follows
//! `docs/adding-a-capability.md`.
