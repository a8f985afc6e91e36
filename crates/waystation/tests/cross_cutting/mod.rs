//! What spans every capability: the authorization matrix (every API route ×
//! every role × inside and outside the caller's subtree), the binary's
//! commands, and the demo data set.

mod authorization_matrix;
mod cli;
mod demo;
