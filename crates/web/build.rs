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
