// The station pages, enhanced: a Leaflet map over the server-rendered list of
// nearest stations (/stations), and a small map on a station's page.
//
// Without this script both pages still work: the server renders the list from
// the address (?lat=&lng=&open=1&amenity=a,b), the chips are links and the
// place form is a GET form. With it, the chips, the place list and "Locate me"
// re-query /api/v1/stations/nearest without a reload, and moving the map asks
// /api/v1/stations/box for the stations in view.
//
// Datums: the address and the browser's geolocation are WGS-84. The tiles may
// be drawn in GCJ-02 (AMap) — then the API is asked in the tiles' datum, so
// every marker lands on the right street, and a WGS-84 origin is shifted here
// with the same published formula the server uses (crates/domain geo.rs).

import L from "leaflet";
import "leaflet/dist/leaflet.css";
import "./map.css";
import iconUrl from "leaflet/dist/images/marker-icon.png";
import iconRetinaUrl from "leaflet/dist/images/marker-icon-2x.png";
import shadowUrl from "leaflet/dist/images/marker-shadow.png";

// Leaflet finds its default marker images by a CSS trick that bundling breaks;
// name the bundled files instead.
const pinIcon = L.icon({
  iconUrl,
  iconRetinaUrl,
  shadowUrl,
  iconSize: [25, 41],
  iconAnchor: [12, 41],
  popupAnchor: [1, -34],
  tooltipAnchor: [16, -28],
  shadowSize: [41, 41],
});
L.Marker.prototype.options.icon = pinIcon;

const OPEN_COLOUR = "#1a7f37";
const CLOSED_COLOUR = "#8e8e93";
const HERE_COLOUR = "#1967d2";
/** Below this zoom the viewport holds too many stations to ask for them all. */
const BOX_MIN_ZOOM = 11;

// ---- datums (the forward transforms of crates/domain/src/stations/geo.rs) ----

const KRASOVSKY_A = 6378245.0;
const KRASOVSKY_EE = 0.00669342162296594323;
const X_PI = (Math.PI * 3000.0) / 180.0;

function inChina(lat, lng) {
  return lng >= 72.004 && lng <= 137.8347 && lat >= 0.8293 && lat <= 55.8271;
}

function gcj02FromWgs84(lat, lng) {
  const x = lng - 105.0;
  const y = lat - 35.0;
  const PI = Math.PI;
  const waves = ((20.0 * Math.sin(6.0 * x * PI) + 20.0 * Math.sin(2.0 * x * PI)) * 2.0) / 3.0;
  let dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x)) + waves;
  dlat += ((20.0 * Math.sin(y * PI) + 40.0 * Math.sin((y / 3.0) * PI)) * 2.0) / 3.0;
  dlat += ((160.0 * Math.sin((y / 12.0) * PI) + 320.0 * Math.sin((y * PI) / 30.0)) * 2.0) / 3.0;
  let dlng = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x)) + waves;
  dlng += ((20.0 * Math.sin(x * PI) + 40.0 * Math.sin((x / 3.0) * PI)) * 2.0) / 3.0;
  dlng += ((150.0 * Math.sin((x / 12.0) * PI) + 300.0 * Math.sin((x / 30.0) * PI)) * 2.0) / 3.0;
  const radLat = (lat * PI) / 180.0;
  const magic = 1.0 - KRASOVSKY_EE * Math.sin(radLat) ** 2;
  const sqrtMagic = Math.sqrt(magic);
  dlat = (dlat * 180.0) / (((KRASOVSKY_A * (1.0 - KRASOVSKY_EE)) / (magic * sqrtMagic)) * PI);
  dlng = (dlng * 180.0) / ((KRASOVSKY_A / sqrtMagic) * Math.cos(radLat) * PI);
  return [lat + dlat, lng + dlng];
}

function bd09FromGcj02(lat, lng) {
  const z = Math.sqrt(lng * lng + lat * lat) + 0.00002 * Math.sin(lat * X_PI);
  const theta = Math.atan2(lat, lng) + 0.000003 * Math.cos(lng * X_PI);
  return [z * Math.sin(theta) + 0.006, z * Math.cos(theta) + 0.0065];
}

/** A WGS-84 [lat, lng] in the tiles' datum. */
export function fromWgs84([lat, lng], datum) {
  if (datum === "wgs84" || !inChina(lat, lng)) return [lat, lng];
  const gcj = gcj02FromWgs84(lat, lng);
  return datum === "bd09" ? bd09FromGcj02(gcj[0], gcj[1]) : gcj;
}

// ---- shared helpers ----

export function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== undefined && value !== null && value !== false) node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children) {
    if (child !== null && child !== undefined && child !== "") node.append(child);
  }
  return node;
}

function whenLoaded(run) {
  if (document.readyState === "complete") run();
  else window.addEventListener("load", run, { once: true });
}

/**
 * Adds the tile layer once the page has loaded (so a tile server that does not
 * answer never holds the page up), and shows `note` while no tile could be loaded.
 */
export function addTiles(map, tiles, note) {
  whenLoaded(() => {
    const layer = L.tileLayer(tiles.url, { attribution: escapeHtml(tiles.attribution), maxZoom: 19 });
    let loaded = 0;
    layer.on("tileload", () => {
      loaded += 1;
      if (note) note.hidden = true;
    });
    layer.on("tileerror", () => {
      if (note && loaded === 0) note.hidden = false;
    });
    layer.addTo(map);
    if (note && navigator.onLine === false) note.hidden = false;
  });
}

// ---- the map page ----

function initStationsPage(page) {
  const config = JSON.parse(page.dataset.config);
  const words = JSON.parse(page.dataset.words);
  const datum = config.tiles.datum;
  const order = config.all_amenities;
  const state = { origin: config.origin, open: config.open, amenities: new Set(config.amenities) };
  let originMap = config.origin_map;

  const form = page.querySelector("form.where");
  const select = form.querySelector('select[name="place"]');
  const typed = form.querySelector('input[name="at"]');
  const whereStatus = form.querySelector(".where-status");
  const locateButton = form.querySelector("button.locate");
  const list = page.querySelector(".station-list");
  const listStatus = page.querySelector(".results-status");
  const chips = [...page.querySelectorAll("a.chip[data-chip]")];

  // ---- the address ----

  function urlOf(s) {
    const params = [];
    if (s.origin) params.push(`lat=${s.origin[0].toFixed(6)}`, `lng=${s.origin[1].toFixed(6)}`);
    if (s.open) params.push("open=1");
    const wanted = order.filter((a) => s.amenities.has(a));
    if (wanted.length) params.push(`amenity=${wanted.join(",")}`);
    return params.length ? `/stations?${params.join("&")}` : "/stations";
  }

  function toggled(key) {
    const next = { origin: state.origin, open: state.open, amenities: new Set(state.amenities) };
    if (key === "open") next.open = !next.open;
    else if (next.amenities.has(key)) next.amenities.delete(key);
    else next.amenities.add(key);
    return next;
  }

  /** Puts the state in the address bar, the chips, the form and the language switch. */
  function syncState() {
    const url = urlOf(state);
    if (window.location.pathname + window.location.search !== url) window.history.replaceState(null, "", url);
    for (const chip of chips) {
      const key = chip.dataset.chip;
      const pressed = key === "open" ? state.open : state.amenities.has(key);
      chip.setAttribute("aria-pressed", pressed ? "true" : "false");
      chip.setAttribute("href", urlOf(toggled(key)));
    }
    form.querySelector('input[name="open"]').value = state.open ? "1" : "";
    form.querySelector('input[name="amenity"]').value = order.filter((a) => state.amenities.has(a)).join(",");
    const langSwitch = document.querySelector('[data-testid="lang-switch"]');
    if (langSwitch) {
      const target = new URL(langSwitch.getAttribute("href"), window.location.href);
      target.searchParams.set("next", url);
      langSwitch.setAttribute("href", target.pathname + target.search);
    }
  }

  // ---- words ----

  function distanceText(metres) {
    const tens = Math.round(metres / 10) * 10;
    if (tens < 1000) return words.distance_m.replace("{n}", String(tens));
    const tenths = Math.round(metres / 100);
    const km = tenths >= 1000 ? String(Math.floor(tenths / 10)) : `${Math.floor(tenths / 10)}.${tenths % 10}`;
    return words.distance_km.replace("{n}", km);
  }

  function dayNumber(rfc3339) {
    const [y, m, d] = rfc3339.slice(0, 10).split("-").map(Number);
    return Date.UTC(y, m - 1, d) / 86400000;
  }

  /** `22:00`, `明天 08:00`, `周一 08:00`: China local times, as the API gives them. */
  function whenText(change, at) {
    const time = change.slice(11, 16);
    const days = dayNumber(change) - dayNumber(at);
    if (days === 0) return time;
    if (days === 1) return `${words.tomorrow} ${time}`;
    if (days >= 2 && days <= 6) {
      const weekday = new Date(dayNumber(change) * 86400000).getUTCDay();
      return `${words[`weekday.${weekday}`]} ${time}`;
    }
    return `${change.slice(5, 10)} ${time}`;
  }

  function openState(station, at) {
    if (station.status !== "open") return { open: false, label: words[`station_status.${station.status}`], detail: "" };
    let detail;
    if (station.open) detail = station.next_change ? words.closes.replace("{when}", whenText(station.next_change, at)) : words.always_open;
    else detail = station.next_change ? words.opens.replace("{when}", whenText(station.next_change, at)) : words.closed_for_now;
    return { open: station.open, label: station.open ? words.open_now : words.closed, detail };
  }

  // ---- the list ----

  /** One list item, built exactly as the server's template builds it. */
  function listItem(hit, at) {
    const s = openState(hit, at);
    const wanted = state.amenities;
    const has = order.filter((a) => hit.amenities && hit.amenities[a]);
    // The wanted ones first, then the others, as many as the server's list shows.
    const amenities = [...has.filter((a) => wanted.has(a)), ...has.filter((a) => !wanted.has(a))].slice(0, config.list_amenities);
    const more = has.length - amenities.length;
    const amenityTags = amenities.length
      ? element(
          "span",
          { class: "amenities", "data-testid": "station-amenities" },
          ...amenities.map((a) =>
            element(
              "span",
              { class: wanted.has(a) ? "amenity wanted" : "amenity", "data-amenity": a },
              element("span", { class: `amenity-icon amenity-${a}`, "aria-hidden": "true" }),
              words[`amenity.${a}`],
            ),
          ),
          more > 0 ? element("span", { class: "amenity-more" }, words.more_amenities.replace("{n}", String(more))) : null,
        )
      : null;
    const link = element(
      "a",
      { class: "station-link", href: `/stations/${hit.id}`, "data-testid": "station-link" },
      element(
        "span",
        { class: "station-head" },
        element("strong", { class: "station-name" }, hit.name),
        element("span", { class: "distance", "data-testid": "station-distance" }, distanceText(hit.distance_m)),
      ),
      element(
        "span",
        { class: "station-state" },
        element("span", { class: s.open ? "tag ok" : "tag muted", "data-testid": "station-open" }, s.label),
        s.detail ? element("span", { class: "when", "data-testid": "station-when" }, s.detail) : null,
      ),
      element("span", { class: "station-meta" }, `${words[`station_kind.${hit.kind}`]} · ${hit.address}`),
      amenityTags,
    );
    return element(
      "li",
      {
        class: s.open ? "station-item is-open" : "station-item",
        "data-testid": "station-item",
        "data-id": hit.id,
        "data-open": s.open ? "true" : "false",
        "data-distance": hit.distance_m,
        "data-lat": hit.location.lat,
        "data-lng": hit.location.lng,
        "data-name": hit.name,
        "data-state": s.label,
        "data-detail": s.detail,
      },
      link,
    );
  }

  /** The stations of the list, as markers want them. */
  function listedStations() {
    return [...list.querySelectorAll("li[data-id]")].map((li) => ({
      id: Number(li.dataset.id),
      lat: Number(li.dataset.lat),
      lng: Number(li.dataset.lng),
      open: li.dataset.open === "true",
      name: li.dataset.name,
      state: li.dataset.state,
      detail: li.dataset.detail,
      distance: li.querySelector(".distance")?.textContent || "",
    }));
  }

  function setBusy(busy, message) {
    list.setAttribute("aria-busy", busy ? "true" : "false");
    page.dataset.busy = busy ? "true" : "false";
    listStatus.textContent = message || "";
  }

  let nearestRequest = 0;

  /** Asks for the nearest stations to the origin with the chips' filters and redraws the list. */
  function queryNearest({ fit = false } = {}) {
    const ticket = ++nearestRequest;
    if (!originMap) {
      list.replaceChildren();
      setBusy(false, words.no_location);
      drawMarkers();
      return;
    }
    setBusy(true, words.loading);
    const params = new URLSearchParams({ lat: originMap[0], lng: originMap[1], datum, limit: config.limit });
    if (state.open) params.set("open", "true");
    const wanted = order.filter((a) => state.amenities.has(a));
    if (wanted.length) params.set("amenity", wanted.join(","));
    fetch(`/api/v1/stations/nearest?${params}`, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then((response) => (response.ok ? response.json() : Promise.reject(new Error(`HTTP ${response.status}`))))
      .then((result) => {
        if (ticket !== nearestRequest) return;
        list.replaceChildren(...result.items.map((hit) => listItem(hit, result.at)));
        setBusy(false, result.items.length ? "" : words.empty);
        drawMarkers();
        if (fit) fitView();
      })
      .catch(() => {
        if (ticket !== nearestRequest) return;
        setBusy(false, words.load_failed);
      });
  }

  // ---- the map ----

  const mapElement = page.querySelector("#stations-map");
  const map = L.map(mapElement, { zoomControl: true, attributionControl: true });
  // The view comes first: Leaflet cannot draw vector markers on a map without one.
  fitView();
  const markerLayer = L.layerGroup().addTo(map);
  const markers = new Map();
  let boxStations = [];
  let hereMarker = null;

  function popupContent(station) {
    const box = element("div", { class: "popup" });
    box.append(element("a", { class: "popup-name", href: `/stations/${station.id}` }, station.name));
    const line = [station.state, station.detail, station.distance].filter(Boolean).join(" · ");
    box.append(element("span", { class: station.open ? "popup-state is-open" : "popup-state" }, line));
    box.append(element("a", { href: `/stations/${station.id}` }, words.details));
    return box;
  }

  /** Markers for the listed stations and those in view, kept across redraws so an open popup stays. */
  function drawMarkers() {
    const wanted = new Map();
    for (const station of boxStations) wanted.set(station.id, station);
    for (const station of listedStations()) wanted.set(station.id, station);
    for (const [id, marker] of markers) {
      if (!wanted.has(id) && !marker.isPopupOpen()) {
        markerLayer.removeLayer(marker);
        markers.delete(id);
      }
    }
    for (const [id, station] of wanted) {
      const style = { radius: 9, weight: 2, color: "#fff", fillColor: station.open ? OPEN_COLOUR : CLOSED_COLOUR, fillOpacity: 0.95 };
      let marker = markers.get(id);
      if (marker) {
        marker.setLatLng([station.lat, station.lng]).setStyle(style);
        marker.setPopupContent(popupContent(station));
      } else {
        marker = L.circleMarker([station.lat, station.lng], style).bindPopup(popupContent(station));
        marker.bindTooltip(station.name);
        markerLayer.addLayer(marker);
        markers.set(id, marker);
      }
      marker.getElement()?.setAttribute("data-station", String(id));
      marker.getElement()?.setAttribute("data-open", station.open ? "true" : "false");
    }
    mapElement.dataset.markers = String(markers.size);
  }

  function drawHere() {
    if (hereMarker) hereMarker.remove();
    hereMarker = null;
    if (!originMap) return;
    hereMarker = L.circleMarker(originMap, { radius: 7, weight: 3, color: "#fff", fillColor: HERE_COLOUR, fillOpacity: 1 })
      .bindTooltip(words.you_are_here)
      .addTo(map);
  }

  /** Shows the origin and the nearest few stations. */
  function fitView() {
    if (!originMap) {
      map.setView([35.0, 105.0], 4);
      return;
    }
    const points = [originMap, ...listedStations().slice(0, 5).map((s) => [s.lat, s.lng])];
    if (points.length === 1) map.setView(originMap, 14);
    else map.fitBounds(L.latLngBounds(points), { padding: [24, 24], maxZoom: 16 });
  }

  let boxRequest = 0;
  let boxTimer = null;

  /** The stations in view (with the chips' filters), when zoomed in far enough to list them all. */
  function queryBox() {
    const ticket = ++boxRequest;
    if (map.getZoom() < BOX_MIN_ZOOM) {
      boxStations = [];
      drawMarkers();
      return;
    }
    const bounds = map.getBounds();
    const params = new URLSearchParams({
      south: Math.max(-90, bounds.getSouth()),
      west: Math.max(-180, bounds.getWest()),
      north: Math.min(90, bounds.getNorth()),
      east: Math.min(180, bounds.getEast()),
      datum,
      limit: 200,
    });
    if (state.open) params.set("open", "true");
    const wanted = order.filter((a) => state.amenities.has(a));
    if (wanted.length) params.set("amenity", wanted.join(","));
    fetch(`/api/v1/stations/box?${params}`, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then((response) => (response.ok ? response.json() : Promise.reject(new Error(`HTTP ${response.status}`))))
      .then((result) => {
        if (ticket !== boxRequest) return;
        boxStations = result.items.map((hit) => {
          const s = openState(hit, result.at);
          return { id: hit.id, lat: hit.location.lat, lng: hit.location.lng, open: s.open, name: hit.name, state: s.label, detail: s.detail, distance: "" };
        });
        drawMarkers();
      })
      .catch(() => {
        // The list is the answer that matters; a failed viewport query only leaves old markers.
      });
  }

  map.on("moveend", () => {
    clearTimeout(boxTimer);
    boxTimer = setTimeout(queryBox, 300);
  });

  // ---- the location ----

  function setWhereStatus(text) {
    whereStatus.textContent = text || "";
  }

  function setOrigin(wgs84) {
    state.origin = wgs84;
    originMap = fromWgs84(wgs84, datum);
    syncState();
    drawHere();
    queryNearest({ fit: true });
  }

  /** `lat,lng` as typed: ASCII or full-width comma, semicolon or spaces between two decimals. */
  function parseCoordinates(text) {
    const parts = text.trim().replace(/[，;；]/g, ",").split(/[\s,]+/).filter(Boolean);
    if (parts.length !== 2) return null;
    const [lat, lng] = parts.map(Number);
    if (!Number.isFinite(lat) || !Number.isFinite(lng) || Math.abs(lat) > 90 || Math.abs(lng) > 180) return null;
    return [lat, lng];
  }

  function placeOf(option) {
    return option && option.value ? [Number(option.dataset.lat), Number(option.dataset.lng)] : null;
  }

  select.addEventListener("change", () => {
    const place = placeOf(select.selectedOptions[0]);
    if (!place) return;
    typed.value = "";
    setWhereStatus("");
    setOrigin(place);
  });

  form.addEventListener("submit", (event) => {
    // Handled here, without a page load: app.js must not disable the button as for a real submit.
    event.preventDefault();
    event.stopPropagation();
    if (typed.value.trim()) {
      const point = parseCoordinates(typed.value);
      if (!point) {
        setWhereStatus(words.bad_place);
        return;
      }
      select.value = "";
      setWhereStatus("");
      setOrigin(point);
      return;
    }
    const place = placeOf(select.selectedOptions[0]);
    if (place) setOrigin(place);
  });

  function locate() {
    setWhereStatus(words.locating);
    navigator.geolocation.getCurrentPosition(
      (position) => {
        setWhereStatus("");
        select.value = "";
        typed.value = "";
        setOrigin([position.coords.latitude, position.coords.longitude]);
      },
      () => setWhereStatus(words.locate_failed),
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 },
    );
  }

  if ("geolocation" in navigator) {
    locateButton.hidden = false;
    locateButton.addEventListener("click", locate);
    // Ask on load only if the person already allowed it (after an earlier tap).
    if (!state.origin && navigator.permissions) {
      navigator.permissions
        .query({ name: "geolocation" })
        .then((permission) => {
          if (permission.state === "granted" && !state.origin) locate();
        })
        .catch(() => {});
    }
  }

  // ---- the chips ----

  for (const chip of chips) {
    chip.addEventListener("click", (event) => {
      if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
      event.preventDefault();
      const next = toggled(chip.dataset.chip);
      state.open = next.open;
      state.amenities = next.amenities;
      syncState();
      queryNearest();
      queryBox();
    });
    // A toggle button answers the space bar as well as Enter.
    chip.addEventListener("keydown", (event) => {
      if (event.key === " ") {
        event.preventDefault();
        chip.click();
      }
    });
  }

  // ---- start ----

  setBusy(false, listStatus.textContent);
  drawHere();
  drawMarkers();
  queryBox();
  addTiles(map, config.tiles, page.querySelector(".map-offline"));
  page.dataset.ready = "true";
}

// ---- a station's page ----

function initStationMap(mapElement) {
  const config = JSON.parse(mapElement.dataset.config);
  const map = L.map(mapElement, { scrollWheelZoom: false }).setView(config.point, 16);
  L.marker(config.point, { icon: pinIcon, title: config.name, alt: config.name }).addTo(map);
  addTiles(map, config.tiles, mapElement.parentElement.querySelector(".map-offline"));
  mapElement.dataset.ready = "true";
}

const stationsPage = document.getElementById("stations-page");
if (stationsPage) initStationsPage(stationsPage);
const stationMap = document.getElementById("station-map");
if (stationMap) initStationMap(stationMap);
