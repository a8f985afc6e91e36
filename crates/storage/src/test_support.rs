//! Fresh, migrated-on-open databases for tests on either backend.
//!
//! SQLite always; PostgreSQL when `WAYSTATION_TEST_DATABASE_URL` names a server
//! on which the test may create databases. Each call makes a new database, so
//! tests never see each other's rows.

use sqlx::Connection;

/// A database that exists for one test.
pub struct TestDatabase {
    pub url: String,
    _dir: Option<tempfile::TempDir>,
}

/// Which backend this test run uses: `postgres` when the variable is set.
pub fn backend_under_test() -> &'static str {
    if std::env::var("WAYSTATION_TEST_DATABASE_URL").is_ok_and(|v| !v.is_empty()) {
        "postgres"
    } else {
        "sqlite"
    }
}

pub async fn fresh_database() -> TestDatabase {
    match std::env::var("WAYSTATION_TEST_DATABASE_URL") {
        Ok(base) if !base.is_empty() => {
            let name = format!("ws_test_{}", hex_suffix());
            let mut admin = sqlx::PgConnection::connect(&base).await.expect("connect to WAYSTATION_TEST_DATABASE_URL");
            let create = format!("CREATE DATABASE {name}");
            sqlx::Executor::execute(&mut admin, create.as_str())
                .await
                .expect("create a test database");
            admin.close().await.ok();
            TestDatabase { url: with_database(&base, &name), _dir: None }
        }
        _ => {
            let dir = tempfile::tempdir().expect("a temporary directory");
            let url = format!("sqlite:{}", dir.path().join("test.db").display());
            TestDatabase { url, _dir: Some(dir) }
        }
    }
}

fn hex_suffix() -> String {
    use rand::Rng;
    format!("{:016x}", rand::thread_rng().gen::<u64>())
}

/// `postgres://u@h:5432/test?x=y` with the database name replaced.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let path_start = base[authority_start..].find('/').map_or(base.len(), |i| authority_start + i);
    let mut out = format!("{}/{name}", &base[..path_start]);
    if let Some(query) = query {
        out.push('?');
        out.push_str(query);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn database_names_are_replaced() {
        assert_eq!(super::with_database("postgres://u@h:5432/test", "x"), "postgres://u@h:5432/x");
        assert_eq!(super::with_database("postgres://u@h/test?sslmode=disable", "x"), "postgres://u@h/x?sslmode=disable");
        assert_eq!(super::with_database("postgres://u@h", "x"), "postgres://u@h/x");
    }
}
