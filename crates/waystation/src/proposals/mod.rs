//! Proposals' and duty's part of the binary: shell commands and demo
//! proposals. Empty until the proposals capability lands; see
//! `docs/adding-a-capability.md`.
