//! The test kit: starts the real server on a random port against a fresh
//! database (SQLite, or PostgreSQL when `WAYSTATION_TEST_DATABASE_URL` is set)
//! and talks HTTP to it; [`builders`] make the organisations, people and
//! stations a test starts from; [`browser`] drives the pages as a browser does.
//!
//! Tests run in parallel threads of one process, so nothing here is global
//! but what is safe to share: each [`TestServer`] has its own database, port,
//! code inbox, phone numbers and caller addresses.

pub mod browser;
pub mod builders;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use waystation_domain::foundation::organisations::{OrgId, OrgKind, OrgName};
use waystation_domain::foundation::people::{PhoneNumber, UserId};
use waystation_domain::foundation::sign_in::OneTimeCode;
use waystation_storage::test_support::{fresh_database, TestDatabase};
use waystation_storage::{NewOrg, Org, Store};
use waystation_web::{AppState, CodeSender, WebConfig};

/// Keeps the last code sent to each phone, as an SMS inbox would.
#[derive(Default)]
pub struct Inbox(pub Mutex<HashMap<String, String>>);

#[async_trait]
impl CodeSender for Inbox {
    async fn send(&self, phone: &PhoneNumber, code: &OneTimeCode) -> anyhow::Result<()> {
        self.0.lock().unwrap().insert(phone.as_str().to_owned(), code.expose().to_owned());
        Ok(())
    }
}

pub struct TestServer {
    pub base: String,
    pub store: Arc<dyn Store>,
    pub db: TestDatabase,
    pub inbox: Arc<Inbox>,
    /// The next caller address (see [`TestServer::client`]).
    next_address: AtomicU32,
    /// The next phone number [`builders::UserBuilder`] hands out.
    next_phone: AtomicU32,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// An HTTP answer, decoded.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
    pub text: String,
}

impl Answer {
    pub fn code(&self) -> &str {
        self.body["code"].as_str().unwrap_or("")
    }

    /// Reads a response: its status, headers, text and (when it is JSON) body.
    pub async fn of(response: reqwest::Response) -> Self {
        let status = response.status();
        let headers = response.headers().clone();
        let text = response.text().await.unwrap();
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Answer { status, headers, body, text }
    }
}

fn config() -> WebConfig {
    WebConfig { secure_cookies: false, trust_forwarded_for: true, ..WebConfig::default() }
}

impl TestServer {
    pub async fn start() -> Self {
        let (db, store) = empty_store().await;
        let inbox = Arc::new(Inbox::default());
        let state = AppState::new(store.clone(), config(), inbox.clone()).await.unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let task = tokio::spawn(async move {
            waystation_web::serve(listener, state, std::future::pending()).await.unwrap();
        });
        Self { base, store, db, inbox, next_address: AtomicU32::new(1), next_phone: AtomicU32::new(1000), task }
    }

    /// A server holding the demo organisations and accounts (no stations: tests add their own).
    pub async fn with_demo() -> Self {
        let server = Self::start().await;
        waystation::demo::load_people(&server.store).await.expect("load the demo organisations and accounts");
        server
    }

    /// Another server process on the same database (as behind a load balancer).
    pub async fn second_server(&self) -> Client {
        let state = AppState::new(self.store.clone(), config(), self.inbox.clone()).await.unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move {
            waystation_web::serve(listener, state, std::future::pending()).await.unwrap();
        });
        let mut client = self.client();
        client.base = base;
        client
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn code_for(&self, phone: &str) -> String {
        self.inbox.0.lock().unwrap().get(phone).cloned().expect("a code was sent")
    }

    /// Each caller is a different address, so rate limits per address stay apart.
    pub fn client(&self) -> Client {
        let n = self.next_address.fetch_add(1, Ordering::Relaxed);
        Client {
            http: reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap(),
            base: self.base.clone(),
            token: None,
            ip: format!("10.{}.{}.{}", (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff),
        }
    }

    /// A phone number no account of this server's database holds yet (`1390000` and four digits).
    pub fn fresh_phone(&self) -> String {
        format!("1390000{:04}", self.next_phone.fetch_add(1, Ordering::Relaxed))
    }

    /// Signs in by phone and code through the API; returns a client holding the bearer token.
    pub async fn sign_in(&self, phone: &str) -> Client {
        let mut client = self.client();
        let sent = client.post("/api/v1/auth/code", json!({"phone": phone})).await;
        assert_eq!(sent.status, StatusCode::ACCEPTED, "{sent:?}");
        let code = self.code_for(phone);
        let signed_in = client.post("/api/v1/auth/sign-in/code", json!({"phone": phone, "code": code})).await;
        assert_eq!(signed_in.status, StatusCode::OK, "{signed_in:?}");
        client.token = Some(signed_in.body["token"].as_str().unwrap().to_owned());
        client
    }

    pub async fn org(&self, parent: Option<OrgId>, kind: OrgKind, name: &str) -> Org {
        self.store
            .create_org(None, NewOrg { parent_id: parent, kind, name: OrgName::parse(name).unwrap(), division_code: None })
            .await
            .unwrap()
    }

    /// A client signed in as `user` through a session minted in the store (no code round trip).
    pub async fn signed_in_as(&self, user: UserId) -> Client {
        let token = format!("{:032x}{:032x}", rand::random::<u128>(), rand::random::<u128>());
        let now = chrono::Utc::now();
        self.store
            .create_session(waystation_storage::NewSession {
                token_hash: waystation_web::session::token_hash(&token),
                user_id: user,
                method: waystation_storage::SignInMethod::Code,
                created_at: now,
                expires_at: now + chrono::TimeDelta::days(1),
                ip: None,
                user_agent: None,
            })
            .await
            .unwrap();
        let mut client = self.client();
        client.token = Some(token);
        client
    }

    pub async fn audit_head(&self) -> i64 {
        self.store.audit_head().await.unwrap().0
    }

    /// Runs raw SQL against the test database, as an intruder or an operator would.
    pub async fn sql(&self, statement: &str) {
        sql(&self.db.url, statement).await
    }
}

/// A fresh, migrated, empty database and the store on it.
pub async fn empty_store() -> (TestDatabase, Arc<dyn Store>) {
    let db = fresh_database().await;
    let store = waystation_storage::open(&db.url).await.expect("open the test database");
    store.migrate().await.expect("migrate");
    (db, store)
}

/// Runs the `waystation` binary on the database at `db`, as a person runs it.
pub fn waystation(db: &str, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_waystation"))
        .arg("--database-url")
        .arg(db)
        .args(args)
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "warn")
        .output()
        .expect("the binary runs")
}

/// Runs raw SQL against the database at `url`, on either backend.
pub async fn sql(url: &str, statement: &str) {
    use sqlx::Connection;
    if url.starts_with("sqlite:") {
        let mut conn = sqlx::SqliteConnection::connect(url).await.unwrap();
        sqlx::Executor::execute(&mut conn, statement).await.unwrap();
    } else {
        let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
        sqlx::Executor::execute(&mut conn, statement).await.unwrap();
    }
}

/// A binary answer.
pub struct Bytes {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: Vec<u8>,
}

impl Bytes {
    pub fn content_type(&self) -> &str {
        self.headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("")
    }

    /// The error code, when the answer is a JSON error.
    pub fn code(&self) -> String {
        serde_json::from_slice::<Value>(&self.body).map(|v| v["code"].as_str().unwrap_or("").to_owned()).unwrap_or_default()
    }
}

/// One caller: a cookie jar, maybe a bearer token, an address of its own.
pub struct Client {
    pub http: reqwest::Client,
    pub base: String,
    pub token: Option<String>,
    pub ip: String,
}

impl Client {
    /// A request to `path` from this caller: its address and, when signed in, its bearer token.
    pub fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        let request = self.http.request(method, format!("{}{path}", self.base)).header("x-forwarded-for", &self.ip);
        match &self.token {
            Some(token) => request.bearer_auth(token),
            None => request,
        }
    }

    pub async fn send(&self, method: Method, path: &str, body: Option<Value>, headers: &[(&str, &str)]) -> Answer {
        let mut request = self.request(method, path);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        match body {
            // A string body is sent as it is (a file), anything else as JSON.
            Some(Value::String(text)) => request = request.header("content-type", "text/csv").body(text),
            Some(body) => request = request.json(&body),
            None => {}
        }
        Answer::of(request.send().await.expect("the server answers")).await
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.send(Method::GET, path, None, &[]).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Answer {
        self.send(Method::POST, path, Some(body), &[]).await
    }

    /// A raw body of any type (a file, malformed input), with extra headers.
    pub async fn post_bytes(&self, path: &str, content_type: &str, body: Vec<u8>, headers: &[(&str, &str)]) -> Answer {
        let mut request = self.request(Method::POST, path).header("content-type", content_type).body(body);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        Answer::of(request.send().await.unwrap()).await
    }

    /// GETs a path with extra headers and keeps the answer as bytes (images, PDFs).
    pub async fn get_bytes(&self, path: &str, headers: &[(&str, &str)]) -> Bytes {
        let mut request = self.request(Method::GET, path);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request.send().await.expect("the server answers");
        Bytes { status: response.status(), headers: response.headers().clone(), body: response.bytes().await.unwrap().to_vec() }
    }

    /// A raw body, for malformed input.
    pub async fn post_raw(&self, path: &str, content_type: &str, body: &str) -> Answer {
        self.post_bytes(path, content_type, body.as_bytes().to_vec(), &[]).await
    }
}
