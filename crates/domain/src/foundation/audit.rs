//! The audit log: an append-only chain in which each row's hash covers the
//! previous row's hash, so an edited, inserted or deleted row breaks the chain.

use chrono::{DateTime, DurationRound, TimeDelta, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::foundation::organisations::OrgId;
use crate::foundation::people::UserId;

/// The hash that the first row's `prev_hash` holds.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One change of state, before it is placed in the chain.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditEntry {
    /// Truncated to milliseconds so that every backend stores it exactly.
    pub at: DateTime<Utc>,
    /// Who did it; `None` for the system itself (migrations, the CLI's bootstrap).
    pub actor: Option<UserId>,
    /// A stable verb such as `org.create` or `role.grant`.
    pub action: String,
    /// The organisation whose records changed, for scoping the log.
    pub org_id: Option<OrgId>,
    /// What changed, e.g. `org:12` or `user:40`.
    pub subject: String,
    /// The details as compact JSON text; the hash covers this exact text.
    pub detail: String,
}

impl AuditEntry {
    pub fn new(
        at: DateTime<Utc>,
        actor: Option<UserId>,
        action: &str,
        org_id: Option<OrgId>,
        subject: String,
        detail: serde_json::Value,
    ) -> Self {
        Self {
            at: at.duration_trunc(TimeDelta::milliseconds(1)).unwrap_or(at),
            actor,
            action: action.to_owned(),
            org_id,
            subject,
            detail: detail.to_string(),
        }
    }
}

/// A row of the chain as stored: position, the entry, and both hashes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditRecord {
    pub seq: i64,
    #[serde(flatten)]
    pub entry: AuditEntry,
    pub prev_hash: String,
    pub hash: String,
}

/// The hash of the row at `seq` holding `entry` after a row whose hash is `prev_hash`.
pub fn chain_hash(seq: i64, prev_hash: &str, entry: &AuditEntry) -> String {
    let mut hasher = Sha256::new();
    for part in [
        seq.to_string(),
        prev_hash.to_owned(),
        entry.at.timestamp_millis().to_string(),
        entry.actor.map(|a| a.to_string()).unwrap_or_default(),
        entry.action.clone(),
        entry.org_id.map(|o| o.to_string()).unwrap_or_default(),
        entry.subject.clone(),
        entry.detail.clone(),
    ] {
        // Length-prefixed, so no two different entries hash the same text.
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part.as_bytes());
    }
    hex::encode(hasher.finalize())
}

/// Places `entry` after the row `(seq, hash)`. An empty chain's head is
/// `(0, GENESIS_HASH)`, so the first row gets `seq` 1.
pub fn next_record(previous: Option<(i64, &str)>, entry: AuditEntry) -> AuditRecord {
    let (seq, prev_hash) = match previous {
        Some((seq, hash)) => (seq + 1, hash.to_owned()),
        None => (1, GENESIS_HASH.to_owned()),
    };
    let hash = chain_hash(seq, &prev_hash, &entry);
    AuditRecord { seq, entry, prev_hash, hash }
}

/// Where and why the chain is broken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainBreak {
    /// The first row that does not verify (for a truncated tail, the missing row).
    pub seq: i64,
    pub reason: BreakReason,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BreakReason {
    /// The row's contents no longer match its hash: it was edited.
    HashMismatch,
    /// The row does not follow the row before it: a row was deleted or inserted.
    LinkMismatch,
    /// The chain ends before the recorded head: rows were deleted from the end.
    MissingTail,
}

impl std::fmt::Display for ChainBreak {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let why = match self.reason {
            BreakReason::HashMismatch => "its contents do not match its hash (edited)",
            BreakReason::LinkMismatch => "it does not follow the row before it (a row was deleted or inserted)",
            BreakReason::MissingTail => "it is missing although the chain head records it (rows deleted at the end)",
        };
        write!(f, "audit row {} is broken: {why}", self.seq)
    }
}

/// Checks rows in chain order, incrementally, so the whole log never sits in memory.
#[derive(Debug, Default)]
pub struct ChainVerifier {
    last: Option<(i64, String)>,
    checked: u64,
}

impl ChainVerifier {
    pub fn check(&mut self, record: &AuditRecord) -> Result<(), ChainBreak> {
        let (expected_seq, expected_prev) = match &self.last {
            Some((seq, hash)) => (seq + 1, hash.as_str()),
            None => (1, GENESIS_HASH),
        };
        if record.seq != expected_seq || record.prev_hash != expected_prev {
            return Err(ChainBreak { seq: record.seq.min(expected_seq), reason: BreakReason::LinkMismatch });
        }
        if chain_hash(record.seq, &record.prev_hash, &record.entry) != record.hash {
            return Err(ChainBreak { seq: record.seq, reason: BreakReason::HashMismatch });
        }
        self.last = Some((record.seq, record.hash.clone()));
        self.checked += 1;
        Ok(())
    }

    /// After the last row: does the chain reach the head recorded beside it?
    pub fn finish(self, head: Option<(i64, &str)>) -> Result<u64, ChainBreak> {
        match (head, &self.last) {
            (None | Some((0, _)), None) => Ok(self.checked),
            (Some((head_seq, head_hash)), Some((seq, hash))) if head_seq == *seq && head_hash == hash => Ok(self.checked),
            (Some((head_seq, _)), Some((seq, _))) if head_seq > *seq => {
                Err(ChainBreak { seq: seq + 1, reason: BreakReason::MissingTail })
            }
            (Some(_), None) => Err(ChainBreak { seq: 1, reason: BreakReason::MissingTail }),
            (_, Some((seq, _))) => Err(ChainBreak { seq: *seq, reason: BreakReason::LinkMismatch }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: usize) -> Vec<AuditRecord> {
        let mut records: Vec<AuditRecord> = Vec::new();
        for i in 0..n {
            let entry = AuditEntry::new(
                DateTime::from_timestamp(1_700_000_000 + i as i64, 123_456_789).unwrap(),
                Some(1),
                "org.create",
                Some(i as i64),
                format!("org:{i}"),
                serde_json::json!({"name": format!("union {i}")}),
            );
            let previous = records.last().map(|r| (r.seq, r.hash.as_str()));
            records.push(next_record(previous, entry));
        }
        records
    }

    fn verify(records: &[AuditRecord], head: Option<(i64, &str)>) -> Result<u64, ChainBreak> {
        let mut verifier = ChainVerifier::default();
        for r in records {
            verifier.check(r)?;
        }
        verifier.finish(head)
    }

    fn head(records: &[AuditRecord]) -> Option<(i64, &str)> {
        records.last().map(|r| (r.seq, r.hash.as_str()))
    }

    #[test]
    fn an_untouched_chain_verifies() {
        let records = chain(5);
        assert_eq!(verify(&records, head(&records)), Ok(5));
        assert_eq!(verify(&[], None), Ok(0));
        assert_eq!(records[0].entry.at.timestamp_subsec_nanos(), 123_000_000, "times are kept to the millisecond");
    }

    #[test]
    fn an_edited_row_is_named() {
        let mut records = chain(5);
        records[2].entry.detail = r#"{"name":"forged"}"#.into();
        let h = (5, records[4].hash.clone());
        assert_eq!(
            verify(&records, Some((h.0, &h.1))),
            Err(ChainBreak { seq: 3, reason: BreakReason::HashMismatch })
        );
    }

    #[test]
    fn a_deleted_row_is_named() {
        let mut records = chain(5);
        let h = (5, records[4].hash.clone());
        records.remove(1);
        assert_eq!(
            verify(&records, Some((h.0, &h.1))),
            Err(ChainBreak { seq: 2, reason: BreakReason::LinkMismatch })
        );
    }

    #[test]
    fn a_truncated_tail_is_detected_against_the_head() {
        let mut records = chain(5);
        let h = (5, records[4].hash.clone());
        records.truncate(3);
        assert_eq!(
            verify(&records, Some((h.0, &h.1))),
            Err(ChainBreak { seq: 4, reason: BreakReason::MissingTail })
        );
    }
}
