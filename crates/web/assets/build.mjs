// Bundles the front-end sources into the directory given as the first argument.
// Run by crates/web/build.rs during `cargo build`; never by hand.
import { build } from "esbuild";

const outdir = process.argv[2];
if (!outdir) {
  console.error("usage: node build.mjs <output directory>");
  process.exit(2);
}

await build({
  entryPoints: { app: "src/app.js", "app-style": "src/app.css" },
  bundle: true,
  minify: true,
  sourcemap: false,
  target: ["es2019", "chrome80", "safari13"],
  outdir,
  entryNames: "[name]",
  logLevel: "warning",
  legalComments: "none",
});
