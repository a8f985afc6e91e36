// The console's coverage map (/console/coverage): the demand cells of the
// table below it, drawn as squares coloured by how badly each is served.
// Without this script the page is the table alone, which holds the same data.
//
// The cells come in the page's data-config as GeoJSON (WGS-84, from the same
// coverage service as /api/v1/stations/coverage?format=geojson); they are
// shifted into the tiles' datum with map.js's formula before drawing.

import L from "leaflet";
import { addTiles, escapeHtml, fromWgs84 } from "./map.js";

const SERVED_COLOUR = "#1a7f37";

/** Yellow (a small gap) to dark red (the worst gap of the area). */
function gapColour(severity, worst) {
  if (!(severity > 0)) return SERVED_COLOUR;
  const share = worst > 0 ? Math.min(1, severity / worst) : 1;
  const hue = 50 - 50 * share;
  const light = 55 - 25 * share;
  return `hsl(${hue.toFixed(0)}, 90%, ${light.toFixed(0)}%)`;
}

function initCoverageMap(element) {
  const config = JSON.parse(element.dataset.config);
  const datum = config.tiles.datum;
  const map = L.map(element, { scrollWheelZoom: false });
  const layer = L.featureGroup();
  for (const feature of config.cells.features) {
    const ring = feature.geometry.coordinates[0];
    const [south, west] = fromWgs84([ring[0][1], ring[0][0]], datum);
    const [north, east] = fromWgs84([ring[2][1], ring[2][0]], datum);
    const p = feature.properties;
    const colour = gapColour(p.severity, config.worst);
    const square = L.rectangle(
      [
        [south, west],
        [north, east],
      ],
      { color: colour, weight: 1, fillColor: colour, fillOpacity: 0.55 },
    );
    const distance = p.nearest_m === null ? "—" : `${(p.nearest_m / 1000).toFixed(1)} km`;
    square.bindTooltip(escapeHtml(`${p.demand} · ${distance}`));
    square.on("add", () => {
      const path = square.getElement();
      if (path) {
        path.setAttribute("data-testid", "coverage-cell");
        path.setAttribute("data-severity", String(p.severity));
      }
    });
    layer.addLayer(square);
  }
  layer.addTo(map);
  if (layer.getLayers().length > 0) {
    map.fitBounds(layer.getBounds(), { padding: [20, 20], maxZoom: 14 });
  } else {
    map.setView(fromWgs84([35.0, 105.0], datum), 4);
  }
  addTiles(map, config.tiles, element.parentElement.querySelector(".map-offline"));
  element.dataset.ready = "true";
  element.dataset.cells = String(layer.getLayers().length);
}

const coverageMap = document.getElementById("coverage-map");
if (coverageMap) initCoverageMap(coverageMap);
