//! An acknowledged filing survives the server being killed (SIGKILL) the
//! moment it answered: the real binary, on the test database, killed and
//! started again.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::json;
use waystation_domain::foundation::organisations::{OrgKind, OrgName};
use waystation_domain::foundation::people::{PhoneNumber, Role};
use waystation_storage::{NewOrg, NewSession, NewUser, SignInMethod};

use crate::common::empty_store;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// `waystation serve` on `db`, once it answers /healthz.
async fn serve(db: &str, port: u16) -> Child {
    let child = Command::new(env!("CARGO_BIN_EXE_waystation"))
        .args(["--database-url", db, "serve", "--listen", &format!("127.0.0.1:{port}")])
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary starts");
    let http = reqwest::Client::new();
    for _ in 0..200 {
        if http.get(format!("http://127.0.0.1:{port}/healthz")).send().await.is_ok_and(|r| r.status().is_success()) {
            return child;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the server did not come up on port {port}");
}

#[tokio::test]
async fn killing_the_server_right_after_it_acknowledged_a_filing_loses_nothing() {
    let (db, store) = empty_store().await;
    let national = store
        .create_org(None, NewOrg { parent_id: None, kind: OrgKind::National, name: OrgName::parse("中华全国总工会").unwrap(), division_code: None })
        .await
        .unwrap();
    let rider = store
        .create_user(None, NewUser { phone: PhoneNumber::parse("13911112222").unwrap(), name: None, password_hash: None })
        .await
        .unwrap();
    store.grant_role(None, rider.id, national.id, Role::Worker).await.unwrap();
    let token = format!("{:032x}", rand::random::<u128>());
    let now = chrono::Utc::now();
    store
        .create_session(NewSession {
            token_hash: waystation_web::session::token_hash(&token),
            user_id: rider.id,
            method: SignInMethod::Code,
            created_at: now,
            expires_at: now + chrono::TimeDelta::days(1),
            ip: None,
            user_agent: None,
        })
        .await
        .unwrap();
    drop(store);

    let port = free_port();
    let mut server = serve(&db.url, port).await;
    let http = reqwest::Client::new();
    let mut numbers = Vec::new();
    for i in 0..5 {
        let answer = http
            .post(format!("http://127.0.0.1:{port}/api/v1/appeals"))
            .bearer_auth(&token)
            .header("idempotency-key", format!("crash-test-{i}"))
            .json(&json!({"appeal_type": "help", "category": "other", "text": format!("第{i}件")}))
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), reqwest::StatusCode::CREATED);
        let body: serde_json::Value = answer.json().await.unwrap();
        numbers.push(body["case_number"].as_str().unwrap().to_owned());
    }
    // SIGKILL, the moment the last answer arrived: no shutdown, no flush.
    server.kill().unwrap();
    server.wait().unwrap();

    let store = waystation_storage::open(&db.url).await.unwrap();
    for number in &numbers {
        let number = waystation_domain::appeals::CaseNumber::parse(number).unwrap();
        let appeal = store.appeal_by_case_number(&number).await.unwrap().expect("an acknowledged filing is on disk");
        assert_eq!(store.appeal_timeline(appeal.id).await.unwrap()[0].event, "file");
    }
    drop(store);

    // Started again, the server answers for them, and a retry of the last one replays it.
    let mut again = serve(&db.url, port).await;
    let last = http
        .post(format!("http://127.0.0.1:{port}/api/v1/appeals"))
        .bearer_auth(&token)
        .header("idempotency-key", "crash-test-4")
        .json(&json!({"appeal_type": "help", "category": "other", "text": "第4件"}))
        .send()
        .await
        .unwrap();
    let body: serde_json::Value = last.json().await.unwrap();
    assert_eq!(body["case_number"].as_str(), Some(numbers[4].as_str()), "the retry after the crash is the same case");
    let mine: serde_json::Value =
        http.get(format!("http://127.0.0.1:{port}/api/v1/appeals/mine")).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
    assert_eq!(mine["items"].as_array().unwrap().len(), 5);
    again.kill().unwrap();
    again.wait().unwrap();
    let audit = crate::common::waystation(&db.url, &["audit", "verify"]);
    assert!(audit.status.success(), "{}", String::from_utf8_lossy(&audit.stderr));
}
