//! The `waystation` binary's parts that tests reach too: settings, the demo
//! set, and each capability's shell commands and demo data, in a folder of the
//! capability's name. `main.rs` flattens the capabilities' commands into one
//! command list; `demo.rs` loads their demo data in order.

pub mod appeals;
pub mod config;
pub mod congress;
pub mod demo;
pub mod foundation;
pub mod membership;
pub mod proposals;
pub mod stations;
