//! Settings: command-line flags, then `WAYSTATION_*` environment variables (clap
//! reads both), then the optional TOML file (`--config`), then defaults.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, ValueEnum};
use serde::Deserialize;

pub const DEFAULT_DATABASE_URL: &str = "sqlite:waystation.db";
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SecureCookies {
    /// `Secure` unless the server listens on a loopback address.
    Auto,
    Always,
    Never,
}

/// Settings every command shares.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// A TOML file with any of the settings below (flags and environment win).
    #[arg(long, env = "WAYSTATION_CONFIG", global = true)]
    pub config: Option<PathBuf>,
    /// `sqlite:PATH` (created if missing) or `postgres://…`. Default: sqlite:waystation.db
    #[arg(long, env = "DATABASE_URL", global = true)]
    pub database_url: Option<String>,
    /// Log lines as text or JSON. Default: text. Filter with RUST_LOG.
    #[arg(long, env = "WAYSTATION_LOG_FORMAT", value_enum, global = true)]
    pub log_format: Option<LogFormat>,
}

/// Settings of `serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on. Default: 127.0.0.1:8080
    #[arg(long, env = "WAYSTATION_LISTEN")]
    pub listen: Option<SocketAddr>,
    /// Load the demo data set if the database is empty.
    #[arg(long, env = "WAYSTATION_DEMO")]
    pub demo: bool,
    /// Mark cookies Secure. Default: auto (Secure unless listening on loopback).
    #[arg(long, env = "WAYSTATION_SECURE_COOKIES", value_enum)]
    pub secure_cookies: Option<SecureCookies>,
    /// Take client addresses from X-Forwarded-For (only behind a trusted proxy).
    #[arg(long, env = "WAYSTATION_TRUST_FORWARDED_FOR")]
    pub trust_forwarded_for: bool,
    /// Map tile URL template. Default: OpenStreetMap (https://tile.openstreetmap.org/{z}/{x}/{y}.png)
    #[arg(long, env = "WAYSTATION_TILE_URL")]
    pub tile_url: Option<String>,
    /// The datum the tiles are drawn in: wgs84 (OpenStreetMap, Tianditu) or gcj02 (AMap). Default: wgs84
    #[arg(long, env = "WAYSTATION_TILE_DATUM")]
    pub tile_datum: Option<String>,
    /// Attribution shown on the map. Default: © OpenStreetMap contributors
    #[arg(long, env = "WAYSTATION_TILE_ATTRIBUTION")]
    pub tile_attribution: Option<String>,
}

/// The optional TOML file: the same settings, snake_case.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileSettings {
    pub database_url: Option<String>,
    pub log_format: Option<LogFormat>,
    pub listen: Option<SocketAddr>,
    pub demo: Option<bool>,
    pub secure_cookies: Option<SecureCookies>,
    pub trust_forwarded_for: Option<bool>,
    pub tile_url: Option<String>,
    pub tile_datum: Option<String>,
    pub tile_attribution: Option<String>,
}

impl FileSettings {
    pub fn load(path: Option<&PathBuf>) -> anyhow::Result<Self> {
        let Some(path) = path else {
            return Ok(Self::default());
        };
        let text = std::fs::read_to_string(path).with_context(|| format!("reading the config file {}", path.display()))?;
        toml::from_str(&text).with_context(|| format!("parsing the config file {}", path.display()))
    }
}

/// Every setting resolved.
#[derive(Debug, Clone)]
pub struct Settings {
    pub database_url: String,
    pub log_format: LogFormat,
    pub listen: SocketAddr,
    pub demo: bool,
    pub secure_cookies: bool,
    pub trust_forwarded_for: bool,
    pub tiles: waystation_web::TileConfig,
}

impl Settings {
    pub fn resolve(global: &GlobalArgs, serve: Option<&ServeArgs>, file: FileSettings) -> anyhow::Result<Self> {
        let listen = match serve.and_then(|s| s.listen).or(file.listen) {
            Some(listen) => listen,
            None => DEFAULT_LISTEN.parse().expect("the default address parses"),
        };
        let secure = serve.and_then(|s| s.secure_cookies).or(file.secure_cookies).unwrap_or(SecureCookies::Auto);
        let defaults = waystation_web::TileConfig::default();
        let tile_datum = match serve.and_then(|s| s.tile_datum.clone()).or(file.tile_datum) {
            Some(datum) => datum.parse().map_err(|_| anyhow::anyhow!("tile datum must be wgs84, gcj02 or bd09, not {datum:?}"))?,
            None => defaults.datum,
        };
        let tiles = waystation_web::TileConfig {
            url: serve.and_then(|s| s.tile_url.clone()).or(file.tile_url).unwrap_or(defaults.url),
            datum: tile_datum,
            attribution: serve.and_then(|s| s.tile_attribution.clone()).or(file.tile_attribution).unwrap_or(defaults.attribution),
        };
        let database_url = global
            .database_url
            .clone()
            .or_else(|| std::env::var("WAYSTATION_DATABASE_URL").ok())
            .or(file.database_url)
            .unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned());
        Ok(Self {
            database_url,
            log_format: global.log_format.or(file.log_format).unwrap_or(LogFormat::Text),
            listen,
            demo: serve.is_some_and(|s| s.demo) || file.demo.unwrap_or(false),
            secure_cookies: match secure {
                SecureCookies::Always => true,
                SecureCookies::Never => false,
                SecureCookies::Auto => !listen.ip().is_loopback(),
            },
            trust_forwarded_for: serve.is_some_and(|s| s.trust_forwarded_for) || file.trust_forwarded_for.unwrap_or(false),
            tiles,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn global() -> GlobalArgs {
        GlobalArgs { config: None, database_url: None, log_format: None }
    }

    #[test]
    fn flags_win_over_the_file_and_the_file_over_defaults() {
        let file: FileSettings = toml::from_str("listen = \"0.0.0.0:9000\"\nlog_format = \"json\"\n").unwrap();
        let serve = ServeArgs {
            listen: Some("127.0.0.1:7000".parse().unwrap()),
            demo: false,
            secure_cookies: None,
            trust_forwarded_for: false,
            tile_url: None,
            tile_datum: Some("gcj02".into()),
            tile_attribution: None,
        };
        let settings = Settings::resolve(&global(), Some(&serve), file).unwrap();
        assert_eq!(settings.listen.port(), 7000);
        assert_eq!(settings.log_format, LogFormat::Json);
        assert!(!settings.secure_cookies, "loopback gets plain cookies under auto");
        assert_eq!(settings.tiles.datum.as_str(), "gcj02");
        assert!(settings.tiles.url.contains("openstreetmap"));
    }

    #[test]
    fn cookies_are_secure_off_loopback_by_default() {
        let file: FileSettings = toml::from_str("listen = \"0.0.0.0:9000\"").unwrap();
        let settings = Settings::resolve(&global(), None, file).unwrap();
        assert!(settings.secure_cookies);
    }

    #[test]
    fn unknown_settings_in_the_file_are_refused() {
        assert!(toml::from_str::<FileSettings>("listn = \"x\"").is_err());
    }
}
