//! Representatives' proposals and duty (提案与履职): the five-step proposal loop,
//! visits to workers in hardship, the duty report's counts. Empty until the
//! proposals capability lands; it follows `docs/adding-a-capability.md`.
