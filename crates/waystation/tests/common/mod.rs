//! Starts the real server on a random port against a fresh database (SQLite,
//! or PostgreSQL when `WAYSTATION_TEST_DATABASE_URL` is set) and talks HTTP to it.

#![allow(dead_code)]

pub mod browser;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use waystation_domain::organisations::{OrgId, OrgKind, OrgName};
use waystation_domain::people::{PhoneNumber, Role};
use waystation_domain::sign_in::OneTimeCode;
use waystation_storage::test_support::{fresh_database, TestDatabase};
use waystation_storage::{NewOrg, NewUser, Org, Store};
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
}

impl TestServer {
    pub async fn start() -> Self {
        let db = fresh_database().await;
        let store = waystation_storage::open(&db.url).await.expect("open the test database");
        store.migrate().await.expect("migrate");
        let inbox = Arc::new(Inbox::default());
        let state = AppState::new(store.clone(), WebConfig { secure_cookies: false, trust_forwarded_for: true, ..WebConfig::default() }, inbox.clone()).await.unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let task = tokio::spawn(async move {
            waystation_web::serve(listener, state, std::future::pending()).await.unwrap();
        });
        Self { base, store, db, inbox, task }
    }

    /// A server holding the demo organisations and accounts (no stations: tests add their own).
    pub async fn with_demo() -> Self {
        let server = Self::start().await;
        waystation::demo::load_people(&server.store).await.expect("load the demo organisations and accounts");
        server
    }

    /// Another server process on the same database (as behind a load balancer).
    pub async fn second_server(&self) -> Client {
        let state = AppState::new(self.store.clone(), WebConfig { secure_cookies: false, trust_forwarded_for: true, ..WebConfig::default() }, self.inbox.clone())
            .await
            .unwrap();
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
        Client {
            http: reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap(),
            base: self.base.clone(),
            token: None,
            ip: format!("10.{}.{}.{}", rand_octet(), rand_octet(), rand_octet()),
        }
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

    /// Creates an account holding `role` on `org`.
    pub async fn person(&self, phone: &str, role: Role, org: OrgId) -> i64 {
        let user = self
            .store
            .create_user(None, NewUser { phone: PhoneNumber::parse(phone).unwrap(), name: None, password_hash: None })
            .await
            .unwrap();
        self.store.grant_role(None, user.id, org, role).await.unwrap();
        user.id
    }

    /// A station made from the JSON of a station form (as the API takes it), in `status`.
    pub async fn station(&self, form: Value, status: waystation_domain::stations::StationStatus) -> waystation_storage::Station {
        let form: waystation_web::stations::StationForm = serde_json::from_value(form).unwrap();
        self.store.create_station(None, form.validate().unwrap(), status, "test").await.unwrap()
    }

    /// A client signed in as `user` through a session minted in the store (no code round trip).
    pub async fn signed_in_as(&self, user: i64) -> Client {
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
        use sqlx::Connection;
        if self.db.url.starts_with("sqlite:") {
            let mut conn = sqlx::SqliteConnection::connect(&self.db.url).await.unwrap();
            sqlx::Executor::execute(&mut conn, statement).await.unwrap();
        } else {
            let mut conn = sqlx::PgConnection::connect(&self.db.url).await.unwrap();
            sqlx::Executor::execute(&mut conn, statement).await.unwrap();
        }
    }
}

fn rand_octet() -> u8 {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(1);
    (NEXT.fetch_add(7, Ordering::Relaxed) % 250) as u8 + 1
}

/// One caller: a cookie jar, maybe a bearer token, an address of its own.
pub struct Client {
    pub http: reqwest::Client,
    pub base: String,
    pub token: Option<String>,
    pub ip: String,
}

impl Client {
    pub async fn send(&self, method: Method, path: &str, body: Option<Value>, headers: &[(&str, &str)]) -> Answer {
        let mut request = self.http.request(method, format!("{}{path}", self.base)).header("x-forwarded-for", &self.ip);
        if let Some(token) = &self.token {
            request = request.bearer_auth(token);
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        match body {
            // A string body is sent as it is (a file), anything else as JSON.
            Some(Value::String(text)) => request = request.header("content-type", "text/csv").body(text),
            Some(body) => request = request.json(&body),
            None => {}
        }
        let response = request.send().await.expect("the server answers");
        let status = response.status();
        let headers = response.headers().clone();
        let text = response.text().await.unwrap();
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Answer { status, headers, body, text }
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.send(Method::GET, path, None, &[]).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Answer {
        self.send(Method::POST, path, Some(body), &[]).await
    }

    /// A raw body, for malformed input.
    pub async fn post_raw(&self, path: &str, content_type: &str, body: &str) -> Answer {
        let mut request = self
            .http
            .post(format!("{}{path}", self.base))
            .header("x-forwarded-for", &self.ip)
            .header("content-type", content_type)
            .body(body.to_owned());
        if let Some(token) = &self.token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let text = response.text().await.unwrap();
        Answer { status, headers, body: serde_json::from_str(&text).unwrap_or(Value::Null), text }
    }
}
