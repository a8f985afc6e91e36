//! One pagination shape for every list: an opaque cursor and a limit.

use serde::Serialize;

use crate::Invalid;

pub const DEFAULT_LIMIT: u32 = 50;
pub const MAX_LIMIT: u32 = 200;

/// Which page to read: the items after the cursor's position, at most `limit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub after: Option<i64>,
    pub limit: u32,
}

impl PageRequest {
    pub const FIRST: PageRequest = PageRequest { after: None, limit: DEFAULT_LIMIT };

    pub fn parse(cursor: Option<&str>, limit: Option<u32>) -> Result<Self, Invalid> {
        let limit = limit.unwrap_or(DEFAULT_LIMIT);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(Invalid::field("limit", "invalid_limit"));
        }
        let after = match cursor.filter(|c| !c.is_empty()) {
            None => None,
            Some(cursor) => Some(decode_cursor(cursor).ok_or(Invalid::field("cursor", "invalid_cursor"))?),
        };
        Ok(Self { after, limit })
    }

    /// Storage fetches one more than the limit to know whether a next page exists.
    pub fn fetch_limit(&self) -> i64 {
        i64::from(self.limit) + 1
    }
}

/// A page of items and the cursor of the next page, if there is one.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// Builds a page from up to `limit + 1` items fetched in key order.
    pub fn from_fetched(mut items: Vec<T>, request: PageRequest, key: impl Fn(&T) -> i64) -> Self {
        let next_cursor = if items.len() > request.limit as usize {
            items.truncate(request.limit as usize);
            items.last().map(|last| encode_cursor(key(last)))
        } else {
            None
        };
        Self { items, next_cursor }
    }

    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page { items: self.items.into_iter().map(f).collect(), next_cursor: self.next_cursor }
    }
}

fn encode_cursor(position: i64) -> String {
    hex::encode(format!("v1:{position}"))
}

fn decode_cursor(cursor: &str) -> Option<i64> {
    let bytes = hex::decode(cursor).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    text.strip_prefix("v1:")?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_chain_through_their_cursors() {
        let all: Vec<i64> = (1..=5).collect();
        let mut request = PageRequest::parse(None, Some(2)).unwrap();
        let mut seen = Vec::new();
        loop {
            let fetched: Vec<i64> =
                all.iter().copied().filter(|i| request.after.is_none_or(|a| *i > a)).take(request.fetch_limit() as usize).collect();
            let page = Page::from_fetched(fetched, request, |i| *i);
            seen.extend(page.items.iter().copied());
            match page.next_cursor {
                Some(cursor) => request = PageRequest::parse(Some(&cursor), Some(2)).unwrap(),
                None => break,
            }
        }
        assert_eq!(seen, all);
    }

    #[test]
    fn bad_cursors_and_limits_are_refused() {
        assert_eq!(PageRequest::parse(Some("zz"), None).unwrap_err().code, "invalid_cursor");
        assert_eq!(PageRequest::parse(Some("abcd"), None).unwrap_err().code, "invalid_cursor");
        assert_eq!(PageRequest::parse(None, Some(0)).unwrap_err().code, "invalid_limit");
        assert_eq!(PageRequest::parse(None, Some(201)).unwrap_err().code, "invalid_limit");
    }
}
