//! How large a request body may be. Forms and JSON take [`BODY_LIMIT`]; the
//! routes that take files (a capability's uploads and imports) say so with an
//! [`UploadLimit`] that the crate root hands in with the state.

/// A route that takes a larger body than a form: the paths it matches and
/// their limit.
#[derive(Debug, Clone, Copy)]
pub struct UploadLimit {
    /// Whether a request path is one of this upload's routes.
    pub matches: fn(&str) -> bool,
    pub max_bytes: usize,
}

/// The largest form or JSON body accepted (photos come by another route).
pub const BODY_LIMIT: usize = 1024 * 1024;

/// The largest body a path accepts: the limit of the upload it matches, else [`BODY_LIMIT`].
pub fn body_limit(uploads: &[&[UploadLimit]], path: &str) -> usize {
    uploads.iter().copied().flatten().find(|upload| (upload.matches)(path)).map_or(BODY_LIMIT, |upload| upload.max_bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_upload_route_takes_its_own_limit() {
        let uploads = [UploadLimit { matches: |path| path == "/upload", max_bytes: 7 }];
        assert_eq!(body_limit(&[&uploads], "/upload"), 7);
        assert_eq!(body_limit(&[&uploads], "/form"), BODY_LIMIT);
    }
}
