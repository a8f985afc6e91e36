//! Representatives' proposals and duty (the five-step proposal loop, duty
//! records and reports): their tests will live here, one file per part, as in
//! `stations/`.
