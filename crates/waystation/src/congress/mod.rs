//! Workers' congresses' part of the binary: shell commands and demo
//! congresses. Empty until the congress capability lands; see
//! `docs/adding-a-capability.md`.
