//! The binary's commands, run as a person runs them.

use std::process::Command;

use crate::common::waystation;

/// Runs SQL by hand against the database at `url`, as an intruder would.
fn by_hand(url: &str, statement: &str) {
    tokio::runtime::Runtime::new().unwrap().block_on(crate::common::sql(url, statement));
}

/// A fresh database on the backend under test (SQLite, or PostgreSQL when
/// `WAYSTATION_TEST_DATABASE_URL` is set).
fn fresh() -> waystation_storage::test_support::TestDatabase {
    tokio::runtime::Runtime::new().unwrap().block_on(waystation_storage::test_support::fresh_database())
}

#[test]
fn audit_verify_passes_on_the_demo_and_names_an_edited_row() {
    let database = fresh();
    let db = database.url.as_str();
    let demo = waystation(db, &["demo"]);
    assert!(demo.status.success(), "{}", String::from_utf8_lossy(&demo.stderr));
    let stdout = String::from_utf8_lossy(&demo.stdout);
    assert!(stdout.contains("13800000001") && stdout.contains("system_admin"), "{stdout}");

    let verify = waystation(db, &["audit", "verify"]);
    assert!(verify.status.success());
    assert!(String::from_utf8_lossy(&verify.stdout).starts_with("audit chain intact"));

    // Someone with database access edits row 5 by hand (dropping the guard first).
    let unguard = if db.starts_with("sqlite:") {
        "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete"
    } else {
        "DROP TRIGGER audit_log_no_update ON audit_log"
    };
    by_hand(db, unguard);
    let original: String = {
        let rt = tokio::runtime::Runtime::new().unwrap();
        let url = db.to_owned();
        rt.block_on(async move {
            let store = waystation_storage::open(&url).await.unwrap();
            store.audit_rows(4, 1).await.unwrap()[0].entry.detail.clone()
        })
    };
    by_hand(db, "UPDATE audit_log SET detail = '{\"name\":\"forged\"}' WHERE seq = 5");
    let verify = waystation(db, &["audit", "verify"]);
    assert!(!verify.status.success());
    let report = String::from_utf8_lossy(&verify.stdout);
    assert!(report.contains("audit row 5 is broken"), "{report}");

    // Put it back: the chain verifies again. Then delete a row: it is named too.
    by_hand(db, &format!("UPDATE audit_log SET detail = '{}' WHERE seq = 5", original.replace('\'', "''")));
    assert!(waystation(db, &["audit", "verify"]).status.success());
    by_hand(db, "DELETE FROM audit_log WHERE seq = 3");
    let verify = waystation(db, &["audit", "verify"]);
    assert!(!verify.status.success());
    assert!(String::from_utf8_lossy(&verify.stdout).contains("audit row 3 is broken"));
}

#[test]
fn the_demo_refuses_a_database_that_has_data() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite:{}", dir.path().join("ws.db").display());
    assert!(waystation(&db, &["demo"]).status.success());
    let again = waystation(&db, &["demo"]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already holds organisations"));
}

#[test]
fn backup_copies_a_consistent_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite:{}", dir.path().join("ws.db").display());
    assert!(waystation(&db, &["demo"]).status.success());
    let target = dir.path().join("copy.db");
    let backup = waystation(&db, &["backup", target.to_str().unwrap()]);
    assert!(backup.status.success(), "{}", String::from_utf8_lossy(&backup.stderr));
    let copy = format!("sqlite:{}", target.display());
    let verify = waystation(&copy, &["audit", "verify"]);
    assert!(verify.status.success(), "the copy holds the whole chain");
    let listed = waystation(&copy, &["org", "list"]);
    assert!(String::from_utf8_lossy(&listed.stdout).contains("渝中区总工会"));
    let again = waystation(&db, &["backup", target.to_str().unwrap()]);
    assert!(!again.status.success(), "an existing file is never overwritten");
}

#[test]
fn backup_on_postgres_points_to_pg_dump() {
    let Ok(url) = std::env::var("WAYSTATION_TEST_DATABASE_URL") else { return };
    if url.is_empty() {
        return;
    }
    let out = waystation(&url, &["backup", "/tmp/never-written.db"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("pg_dump"));
}

#[test]
fn the_first_system_admin_is_made_from_the_shell() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite:{}", dir.path().join("ws.db").display());
    let no_root = waystation(&db, &["user", "create", "--phone", "13800138000", "--name", "管理员", "--role", "system_admin"]);
    assert!(!no_root.status.success());
    assert!(String::from_utf8_lossy(&no_root.stderr).contains("org create-root"));
    assert!(waystation(&db, &["org", "create-root"]).status.success());

    let mut create = Command::new(env!("CARGO_BIN_EXE_waystation"))
        .args(["--database-url", &db, "user", "create", "--phone", "13800138000", "--name", "管理员", "--role", "system_admin", "--password-stdin"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    create.stdin.take().unwrap().write_all(b"a long enough secret\n").unwrap();
    let out = create.wait_with_output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("granted system_admin"));

    let bad_role = waystation(&db, &["user", "grant", "--phone", "13800138000", "--role", "chairman"]);
    assert!(!bad_role.status.success());
    let revoke = waystation(&db, &["user", "revoke", "--phone", "13800138000", "--role", "system_admin"]);
    assert!(revoke.status.success(), "{}", String::from_utf8_lossy(&revoke.stderr));
}

#[test]
fn serve_help_documents_every_setting() {
    let out = Command::new(env!("CARGO_BIN_EXE_waystation")).args(["serve", "--help"]).output().unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    for setting in ["--listen", "WAYSTATION_LISTEN", "--database-url", "DATABASE_URL", "--config", "--demo", "--secure-cookies", "--trust-forwarded-for", "--log-format"] {
        assert!(help.contains(setting), "serve --help lacks {setting}");
    }
}

#[test]
fn stations_export_and_import_from_the_shell() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite:{}", dir.path().join("ws.db").display());
    assert!(waystation(&db, &["demo"]).status.success());
    let exported = dir.path().join("yuzhong.csv");
    let export = waystation(&db, &["export", "--format", "csv", "--org", "3", "--output", exported.to_str().unwrap()]);
    assert!(export.status.success(), "{}", String::from_utf8_lossy(&export.stderr));
    // Posted rules span lines, so count the stations the command reports rather than the file's lines.
    let said = String::from_utf8_lossy(&export.stderr).to_string();
    let rows: usize = said.split_whitespace().nth(1).and_then(|n| n.parse().ok()).expect("exported N stations");
    assert!(rows > 10, "渝中区 has demo stations: {said}");

    let again = waystation(&db, &["import", exported.to_str().unwrap()]);
    assert!(again.status.success(), "{}", String::from_utf8_lossy(&again.stdout));
    let summary = String::from_utf8_lossy(&again.stdout);
    assert!(summary.contains(&format!("{rows} rows")) && summary.contains(&format!("0 created, {rows} updated")), "{summary}");

    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "name,kind,org,address,lat,lng,opening_hours\n好驿站,union_station,500103,路,29.5,106.5,24/7\n坏驿站,union_station,500103,路,95,106.5,24/7\n").unwrap();
    let refused = waystation(&db, &["import", bad.to_str().unwrap()]);
    assert!(!refused.status.success());
    let report = String::from_utf8_lossy(&refused.stdout);
    assert!(report.contains("line 3 [location]: invalid_latitude") && report.contains("nothing written"), "{report}");
    let skipped = waystation(&db, &["import", "--skip-invalid", bad.to_str().unwrap()]);
    assert!(skipped.status.success());
    assert!(String::from_utf8_lossy(&skipped.stdout).contains("1 created"));

    let geojson = waystation(&db, &["export", "--format", "geojson", "--org", "3"]);
    let parsed: serde_json::Value = serde_json::from_slice(&geojson.stdout).unwrap();
    assert_eq!(parsed["type"], "FeatureCollection");
}
