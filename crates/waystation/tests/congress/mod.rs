//! Congresses (members' and workers' congresses, their meetings and legally
//! valid votes): their tests will live here, one file per part, as in `stations/`.
