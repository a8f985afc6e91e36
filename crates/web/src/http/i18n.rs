//! Every text a person reads comes from `locales/<language>/<part>.toml`
//! (`kit.toml` for the shared frame, one file per capability): Simplified Chinese by
//! default, English on request (a remembered switch, or `Accept-Language`).

use std::collections::HashMap;
use std::sync::LazyLock;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::header;
use serde::Serialize;

/// The cookie that remembers the language switch.
pub const LANG_COOKIE: &str = "ws_lang";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Lang {
    #[serde(rename = "zh-CN")]
    Zh,
    #[serde(rename = "en")]
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Zh, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    pub fn parse(code: &str) -> Option<Lang> {
        let code = code.trim().to_ascii_lowercase();
        if code == "zh" || code.starts_with("zh-") {
            Some(Lang::Zh)
        } else if code == "en" || code.starts_with("en-") {
            Some(Lang::En)
        } else {
            None
        }
    }

    /// The first supported language in an `Accept-Language` header, by weight.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        let mut choices: Vec<(f32, Lang)> = header
            .split(',')
            .filter_map(|part| {
                let mut pieces = part.split(';');
                let lang = Lang::parse(pieces.next()?)?;
                let weight = pieces
                    .find_map(|p| p.trim().strip_prefix("q="))
                    .and_then(|q| q.parse::<f32>().ok())
                    .unwrap_or(1.0);
                Some((weight, lang))
            })
            .collect();
        choices.sort_by(|a, b| b.0.total_cmp(&a.0));
        choices.first().map(|(_, lang)| *lang)
    }

    fn catalog(self) -> &'static HashMap<String, String> {
        match self {
            Lang::Zh => &CATALOGS.0,
            Lang::En => &CATALOGS.1,
        }
    }
}

/// Every locale file, `locales/<lang>/<name>.toml`, as `(path, text)` in name
/// order: the kit's own texts (`kit.toml`) and one file per capability, listed
/// by `build.rs` from the folder so that a new capability adds its files and
/// nothing here. A language's catalog is the union of its files; a key defined
/// in two of them is refused when the catalogs load ([`load_catalogs`], called
/// when the server's state is built).
const LOCALE_FILES: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/locales.rs"));

/// The files of one language folder, as `(path, text)` in name order.
fn files_of(folder: &str) -> Vec<(&'static str, &'static str)> {
    LOCALE_FILES.iter().copied().filter(|(name, _)| name.strip_prefix(folder).is_some_and(|rest| rest.starts_with('/'))).collect()
}

/// Loads both languages' catalogs now; panics naming a key defined twice or a
/// file that is not valid locale TOML, so that a bad file stops the server at
/// start rather than in a request.
pub fn load_catalogs() {
    LazyLock::force(&CATALOGS);
}

static CATALOGS: LazyLock<(HashMap<String, String>, HashMap<String, String>)> = LazyLock::new(|| {
    let catalog = |folder: &str| merge(&files_of(folder)).unwrap_or_else(|e| panic!("{e}"));
    (catalog("zh-CN"), catalog("en"))
});

/// One language's catalog from its files; an error names a key defined twice.
fn merge(files: &[(&str, &str)]) -> Result<HashMap<String, String>, String> {
    let mut catalog = HashMap::new();
    let mut origin: HashMap<String, &str> = HashMap::new();
    for (name, source) in files {
        for (key, text) in load(source) {
            if let Some(first) = origin.insert(key.clone(), name) {
                return Err(format!("locale key {key} is defined twice: in {first} and in {name}"));
            }
            catalog.insert(key, text);
        }
    }
    Ok(catalog)
}

fn load(source: &str) -> HashMap<String, String> {
    let table: toml::Table = source.parse().expect("locale files are valid TOML (checked by tests)");
    let mut flat = HashMap::new();
    flatten("", &table, &mut flat);
    flat
}

fn flatten(prefix: &str, table: &toml::Table, out: &mut HashMap<String, String>) {
    for (key, value) in table {
        let full = if prefix.is_empty() { key.clone() } else { format!("{prefix}.{key}") };
        match value {
            toml::Value::Table(inner) => flatten(&full, inner, out),
            toml::Value::String(text) => {
                out.insert(full, text.clone());
            }
            other => panic!("locale key {full} must hold text, not {other}"),
        }
    }
}

/// The text for `key`; the key itself when it is missing (a test prevents that).
pub fn t(lang: Lang, key: &str) -> &'static str {
    match lang.catalog().get(key) {
        Some(text) => text.as_str(),
        None => {
            tracing::warn!(key, lang = lang.code(), "missing translation");
            Box::leak(key.to_owned().into_boxed_str())
        }
    }
}

/// All keys of one language, for the completeness tests.
pub fn keys(lang: Lang) -> Vec<&'static str> {
    let mut keys: Vec<&'static str> = lang.catalog().keys().map(String::as_str).collect();
    keys.sort_unstable();
    keys
}

/// A translator handed to templates: `{{ tr.get("nav.home") }}`.
#[derive(Debug, Clone, Copy)]
pub struct Tr(pub Lang);

impl Tr {
    pub fn get(&self, key: &str) -> &'static str {
        t(self.0, key)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        if let Some(lang) = crate::http::cookies::cookie(&parts.headers, LANG_COOKIE).and_then(|c| Lang::parse(&c)) {
            return Ok(lang);
        }
        let accept = parts.headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok());
        Ok(accept.and_then(Lang::from_accept_language).unwrap_or(Lang::Zh))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages_have_exactly_the_same_keys() {
        let zh = keys(Lang::Zh);
        let en = keys(Lang::En);
        let missing_in_en: Vec<_> = zh.iter().filter(|k| !en.contains(k)).collect();
        let missing_in_zh: Vec<_> = en.iter().filter(|k| !zh.contains(k)).collect();
        assert!(missing_in_en.is_empty(), "missing in locales/en/: {missing_in_en:?}");
        assert!(missing_in_zh.is_empty(), "missing in locales/zh-CN/: {missing_in_zh:?}");
    }

    #[test]
    fn every_locale_file_loads_and_no_key_is_defined_twice() {
        for folder in ["zh-CN", "en"] {
            let files = files_of(folder);
            assert!(files.iter().any(|(name, _)| name.ends_with("/kit.toml")), "{folder} has its kit.toml");
            merge(&files).unwrap();
        }
        let twice = merge(&[("a.toml", "[nav]\nhome = \"A\""), ("b.toml", "[nav]\nhome = \"B\"")]);
        assert_eq!(twice.unwrap_err(), "locale key nav.home is defined twice: in a.toml and in b.toml");
    }

    #[test]
    fn accept_language_picks_the_heaviest_supported_language() {
        assert_eq!(Lang::from_accept_language("en-US,en;q=0.9,zh-CN;q=0.8"), Some(Lang::En));
        assert_eq!(Lang::from_accept_language("fr;q=1, zh-TW;q=0.5, en;q=0.4"), Some(Lang::Zh));
        assert_eq!(Lang::from_accept_language("fr, de"), None);
    }
}
