//! Workers' congresses (职代会): the rules that give an online congress legal
//! force — roster composition, the steps a session must keep, quorum of all
//! representatives, poll counting and majorities, secret ballots. Empty until
//! the congress capability lands; it follows `docs/adding-a-capability.md`.
