//! A browser for page tests: the session cookie (or none, for a visitor), forms
//! with the CSRF token and an idempotency key, redirects not followed.

use reqwest::StatusCode;

use super::{Client, TestServer};

/// One file of a multipart form.
pub struct FilePart<'a> {
    pub field: &'a str,
    pub file_name: &'a str,
    pub content_type: &'a str,
    pub bytes: &'a [u8],
}

/// A browser: its cookies and the CSRF token its forms carry.
pub struct Browser {
    pub http: reqwest::Client,
    pub base: String,
    pub cookies: String,
    pub csrf: String,
}

/// What a page answered.
pub struct Page {
    pub status: StatusCode,
    pub location: String,
    pub html: String,
}

impl Browser {
    pub async fn sign_in(server: &TestServer, phone: &str) -> Browser {
        Self::of(&server.sign_in(phone).await).await
    }

    /// The browser of a caller: the session cookie of its bearer token (none
    /// for a visitor) and the CSRF cookie the pages hand out.
    pub async fn of(caller: &Client) -> Browser {
        let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        let session = caller.token.as_deref().map(|t| format!("ws_session={t}")).unwrap_or_default();
        let first = http.get(format!("{}/", caller.base)).header("cookie", &session).send().await.unwrap();
        let csrf = first
            .headers()
            .get_all("set-cookie")
            .iter()
            .find_map(|c| c.to_str().unwrap().strip_prefix("ws_csrf=").map(|v| v.split(';').next().unwrap().to_owned()))
            .expect("a csrf cookie");
        let cookies = if session.is_empty() { format!("ws_csrf={csrf}") } else { format!("{session}; ws_csrf={csrf}") };
        Browser { http, base: caller.base.clone(), cookies, csrf }
    }

    async fn page(response: reqwest::Response) -> Page {
        let status = response.status();
        let location = response.headers().get("location").map(|l| l.to_str().unwrap().to_owned()).unwrap_or_default();
        Page { status, location, html: response.text().await.unwrap() }
    }

    pub async fn get(&self, path: &str) -> Page {
        Self::page(self.http.get(format!("{}{path}", self.base)).header("cookie", &self.cookies).send().await.unwrap()).await
    }

    /// Posts a form as the console's pages do: with the CSRF token and a fresh idempotency key.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let key = format!("{:032x}", rand_key());
        let mut form: Vec<(&str, &str)> = vec![("csrf_token", self.csrf.as_str()), ("idempotency_key", key.as_str())];
        form.extend_from_slice(fields);
        self.post_raw(path, &form).await
    }

    /// Posts exactly these fields (no CSRF token or idempotency key unless given), as a forged form would.
    pub async fn post_raw(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        Self::page(self.http.post(format!("{}{path}", self.base)).header("cookie", &self.cookies).form(fields).send().await.unwrap()).await
    }

    /// Uploads a CSV file (field `file`) in a multipart form, as the import page does.
    pub async fn upload(&self, path: &str, fields: &[(&str, &str)], file_name: &str, file: &[u8], with_csrf: bool) -> Page {
        let key = format!("{:032x}", rand_key());
        let part = FilePart { field: "file", file_name, content_type: "text/csv", bytes: file };
        self.multipart(path, fields, part, with_csrf, &key).await
    }

    /// Posts a multipart form with one file and the given idempotency key (the CSRF token only `with_csrf`).
    pub async fn multipart(&self, path: &str, fields: &[(&str, &str)], file: FilePart<'_>, with_csrf: bool, key: &str) -> Page {
        let boundary = "----waystation-test-boundary";
        let mut body = Vec::new();
        let mut all: Vec<(&str, &str)> = vec![("idempotency_key", key)];
        if with_csrf {
            all.insert(0, ("csrf_token", self.csrf.as_str()));
        }
        all.extend_from_slice(fields);
        for (name, value) in all {
            body.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").into_bytes());
        }
        body.extend(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{}\"; filename=\"{}\"\r\nContent-Type: {}\r\n\r\n",
                file.field, file.file_name, file.content_type
            )
            .into_bytes(),
        );
        body.extend_from_slice(file.bytes);
        body.extend(format!("\r\n--{boundary}--\r\n").into_bytes());
        let response = self
            .http
            .post(format!("{}{path}", self.base))
            .header("cookie", &self.cookies)
            .header("content-type", format!("multipart/form-data; boundary={boundary}"))
            .body(body)
            .send()
            .await
            .unwrap();
        Self::page(response).await
    }
}

/// A fresh idempotency key per form, as each rendered form carries (unique in the process).
fn rand_key() -> u128 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(1);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    (u128::from(std::process::id()) << 64) | u128::from(n) | (u128::from(n) << 100)
}
