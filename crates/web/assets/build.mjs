// Bundles the front-end sources into the directory given as the first argument.
// Run by crates/web/build.rs during `cargo build`; never by hand.
//
// Sources in one folder per capability, as everywhere: src/kit/ for every page,
// src/stations/ for the station pages. Entry points:
// - app.js / app-style.css (renamed app.css by build.rs): every page;
// - map.js and the map.css it imports (Leaflet's stylesheet and ours): the
//   station pages. Leaflet's images (marker icons, layer switcher) come out as
//   content-hashed files beside them, served under /assets/;
// - coverage.js (and coverage.css): the console's coverage map, drawing demand
//   cells over the same tiles with map.js's datum shift;
// - appeals.js: the appeal filing page (the chosen category's fields, the position);
// - dashboard.js: the appeals dashboard's charts (Apache ECharts, tree-shaken).
import { build } from "esbuild";

const outdir = process.argv[2];
if (!outdir) {
  console.error("usage: node build.mjs <output directory>");
  process.exit(2);
}

await build({
  entryPoints: {
    app: "src/kit/app.js",
    "app-style": "src/kit/app.css",
    map: "src/stations/map.js",
    coverage: "src/stations/coverage.js",
    appeals: "src/appeals/file.js",
    dashboard: "src/appeals/dashboard.js",
  },
  bundle: true,
  minify: true,
  sourcemap: false,
  target: ["es2019", "chrome80", "safari13"],
  outdir,
  entryNames: "[name]",
  assetNames: "[name]-[hash]",
  publicPath: "/assets",
  loader: { ".png": "file", ".svg": "file" },
  logLevel: "warning",
  legalComments: "none",
});
