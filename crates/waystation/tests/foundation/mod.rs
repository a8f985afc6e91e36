//! People and organisations: the journeys through signing in, sessions, roles,
//! the organisation tree and its audit log, and every bad input at that edge.

mod bad_input;
mod journeys;
