//! Bundles the front-end assets with npm and esbuild, into `$OUT_DIR/assets`,
//! from where `rust-embed` puts them in the binary. `npm ci` runs only when
//! `node_modules` is missing or older than the lockfile, so the README's
//! `cargo` commands stay the only commands.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::SystemTime;

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let assets = manifest.join("assets");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("assets");
    // locales/: the locale files are embedded by folder (http/i18n.rs), so a new file must rebuild too.
    for watched in ["assets/src", "assets/static", "assets/package.json", "assets/package-lock.json", "assets/build.mjs", "locales"] {
        println!("cargo:rerun-if-changed={watched}");
    }
    std::fs::create_dir_all(&out).expect("create the asset output directory");

    let lock = assets.join("package-lock.json");
    let installed = assets.join("node_modules/.package-lock.json");
    if modified(&installed) < modified(&lock) {
        run(Command::new("npm").args(["ci", "--no-audit", "--no-fund", "--loglevel=error"]).current_dir(&assets), "npm ci");
    }
    run(Command::new("node").arg("build.mjs").arg(&out).current_dir(&assets), "node build.mjs");
    // esbuild names the stylesheet entry after its source; serve it as app.css.
    std::fs::rename(out.join("app-style.css"), out.join("app.css")).expect("the stylesheet bundle exists");
    let _ = std::fs::remove_file(out.join("app-style.js"));
    for entry in std::fs::read_dir(assets.join("static")).expect("assets/static exists") {
        let entry = entry.expect("readable directory entry");
        std::fs::copy(entry.path(), out.join(entry.file_name())).expect("copy a static asset");
    }
    write_locale_list(&manifest);
}

/// `$OUT_DIR/locales.rs`: every `locales/<lang>/<name>.toml` as
/// `("<lang>/<name>.toml", include_str!(…))`, in name order, so that the binary
/// embeds each file the folder holds and a capability adds its files and no line.
fn write_locale_list(manifest: &Path) {
    let locales = manifest.join("locales");
    let mut files = Vec::new();
    for lang in std::fs::read_dir(&locales).expect("locales/ exists") {
        let lang = lang.expect("readable directory entry").path();
        if !lang.is_dir() {
            continue;
        }
        for file in std::fs::read_dir(&lang).expect("a readable language folder") {
            let path = file.expect("readable directory entry").path();
            if path.extension().is_some_and(|e| e == "toml") {
                files.push(path);
            }
        }
    }
    files.sort();
    let mut list = String::from("&[\n");
    for path in &files {
        let name = path.strip_prefix(&locales).expect("below locales/").to_string_lossy().replace('\\', "/");
        list.push_str(&format!("    ({name:?}, include_str!({:?})),\n", path.to_string_lossy()));
    }
    list.push_str("]\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("locales.rs");
    std::fs::write(out, list).expect("write the locale list");
}

fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

fn run(command: &mut Command, what: &str) {
    match command.status() {
        Ok(status) if status.success() => {}
        Ok(status) => panic!("{what} failed ({status}); the web assets could not be built"),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => panic!(
            "{what}: `{}` was not found. Waystation's build bundles its web assets with Node.js (18 or newer) and npm; \
             install them (Debian: `apt-get install nodejs npm`) and build again.",
            command.get_program().to_string_lossy()
        ),
        Err(error) => panic!("{what} could not start: {error}"),
    }
}
