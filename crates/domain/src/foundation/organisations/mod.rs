//! Organisations: the union tree (national → province → city → district/county →
//! street/town → base union) and the partner organisations attached to it.

mod division_code;
mod id;
mod kind;
mod path;
mod placement;

pub use division_code::{DivisionCode, DivisionGranularity};
pub use id::OrgId;
pub use kind::{OrgKind, OrgLevel};
pub use path::OrgPath;
pub use placement::{check_move, check_placement, OrgName, Placement};
