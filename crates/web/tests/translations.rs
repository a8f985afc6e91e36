//! Every text key the code or the templates use exists in both languages, and
//! every error code the code can produce has a message in both. (That both
//! languages hold the same keys, and that no key is defined in two locale
//! files, is checked beside the loader in `src/http/i18n.rs`.)

use std::collections::BTreeSet;
use std::path::Path;

use regex::Regex;
use waystation_web::i18n::{keys, Lang};

fn sources(dir: &Path, extension: &str, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, extension, out);
        } else if path.extension().is_some_and(|e| e == extension) {
            out.push(std::fs::read_to_string(&path).unwrap());
        }
    }
}

fn crate_dir(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().join(name)
}

fn assert_present(needed: &BTreeSet<String>) {
    for lang in Lang::ALL {
        let have: BTreeSet<&str> = keys(lang).into_iter().collect();
        let missing: Vec<_> = needed.iter().filter(|k| !have.contains(k.as_str())).collect();
        assert!(missing.is_empty(), "missing in {}: {missing:?}", lang.code());
    }
}

#[test]
fn every_key_the_templates_use_is_translated() {
    let mut templates = Vec::new();
    sources(&crate_dir("web").join("templates"), "html", &mut templates);
    let key = Regex::new(r#"tr\.get\("([a-z0-9_.]+)"\)"#).unwrap();
    let needed: BTreeSet<String> =
        templates.iter().flat_map(|t| key.captures_iter(t).map(|c| c[1].to_owned()).collect::<Vec<_>>()).collect();
    assert!(needed.len() > 50, "the scan found the keys");
    assert_present(&needed);
}

#[test]
fn every_error_code_has_a_message() {
    let mut code = Vec::new();
    for name in ["domain", "storage", "web", "waystation"] {
        sources(&crate_dir(name).join("src"), "rs", &mut code);
    }
    let patterns = [
        r#"Invalid::field\("[A-Za-z_-]+", "([a-z_]+)"\)"#,
        r#"Invalid::new\("([a-z_]+)"\)"#,
        r#"code: "([a-z_]+)""#,
        r#"(?:conflict|not_found)\("([a-z_]+)""#,
        r#"ApiError::new\(StatusCode::[A-Z_]+, "([a-z_]+)"\)"#,
        r#"ApiError::new\(axum::http::StatusCode::[A-Z_]+, "([a-z_]+)"\)"#,
        r#"with_field\("[a-z_]+", "([a-z_]+)"\)"#,
        r#"Some\("([a-z_]+)"\),? *$"#,
    ];
    let mut needed = BTreeSet::new();
    for pattern in patterns {
        let re = Regex::new(&format!("(?m){pattern}")).unwrap();
        for text in &code {
            for c in re.captures_iter(text) {
                needed.insert(format!("error.{}", &c[1]));
            }
        }
    }
    for fixed in ["sign_in_required", "forbidden", "rate_limited", "internal_error"] {
        needed.insert(format!("error.{fixed}"));
    }
    assert!(needed.len() > 40, "the scan found the codes: {needed:?}");
    assert_present(&needed);
}

#[test]
fn every_role_and_organisation_kind_has_a_name() {
    let mut needed = BTreeSet::new();
    for role in waystation_domain::foundation::people::Role::ALL {
        needed.insert(format!("role.{}", role.as_str()));
    }
    for kind in waystation_domain::foundation::organisations::OrgKind::ALL {
        needed.insert(format!("kind.{}", kind.as_str()));
    }
    assert_present(&needed);
}

#[test]
fn each_language_has_the_same_locale_files() {
    let files = |lang: &str| -> BTreeSet<String> {
        std::fs::read_dir(crate_dir("web").join("locales").join(lang))
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect()
    };
    let zh = files("zh-CN");
    assert!(zh.contains("kit.toml") && zh.contains("stations.toml"), "{zh:?}");
    assert_eq!(zh, files("en"));
}
