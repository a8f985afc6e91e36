//! Appeals (a worker's problem carried to the responsible union and the
//! answer back): their tests will live here, one file per part, as in
//! `stations/`.
