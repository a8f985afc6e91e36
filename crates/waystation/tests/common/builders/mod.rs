//! Builders for what tests set up again and again, after crates.io's test kit
//! (`src/tests/builders/`): each starts from defaults, takes chained setters
//! for what a test cares about, and writes through the store in one call.
//! People start from `TestServer::user()` (a `UserBuilder`).
//!
//! ```ignore
//! let tree = OrgTree::create(&server).await;
//! let station = StationBuilder::new("解放碑驿站", tree.city).status(StationStatus::Planned).create(&server).await;
//! let (manager_id, manager) = server.user().role(Role::StationManager, tree.city).signed_in().await;
//! ```

mod org;
mod station;
mod user;

pub use org::OrgTree;
pub use station::StationBuilder;
