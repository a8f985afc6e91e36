// The stations pages as a worker uses them on a phone: the map page with the
// nearest stations, filter chips, the station page and its navigation links;
// and the same pages without JavaScript and without a reachable tile server.
//
// The test creates its own stations around 解放碑 through the API (as the
// Chongqing org admin), so it does not depend on the demo's station set; the
// assertions hold however many demo stations surround them.

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { MOBILE, clickAndLoad, launchBrowser, pathOf, screenshot, startServer, withPage } from '../harness.mjs';

let server;
let browser;
/** name → created station (the API's view, WGS-84). */
const stations = {};
let token;

const JIEFANGBEI = { lat: 29.5576, lng: 106.577 };
const TEST_TIMEOUT = 90_000;

/** A point `north` and `east` metres from 解放碑. */
function near(north, east) {
  return {
    lat: JIEFANGBEI.lat + north / 111_195,
    lng: JIEFANGBEI.lng + east / (111_195 * Math.cos((JIEFANGBEI.lat * Math.PI) / 180)),
  };
}

async function api(path, { method = 'GET', body, auth = true } = {}) {
  const headers = { Accept: 'application/json' };
  if (body) headers['Content-Type'] = 'application/json';
  if (auth && token) headers.Authorization = `Bearer ${token}`;
  const response = await fetch(`${server.baseURL}${path}`, { method, headers, body: body && JSON.stringify(body) });
  const text = await response.text();
  const json = text ? JSON.parse(text) : null;
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return json;
}

/** China Standard Time now, as minutes since midnight. */
function chinaMinutesNow() {
  const now = new Date(Date.now() + 8 * 3600_000);
  return now.getUTCHours() * 60 + now.getUTCMinutes();
}

const hhmm = (minutes) => {
  const m = ((minutes % 1440) + 1440) % 1440;
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
};

/** Hours that are open now and close in two hours, and what the list should say about them. */
function closesInTwoHours() {
  const now = chinaMinutesNow();
  const closes = now + 120;
  const when = closes >= 1440 ? `明天 ${hhmm(closes)}` : hhmm(closes);
  return { hours: `Mo-Su ${hhmm(now - 120)}-${hhmm(closes)}`, text: `营业至 ${when}` };
}

/** Hours that are closed now and open in three hours. */
function opensInThreeHours() {
  const now = chinaMinutesNow();
  const opens = now + 180;
  const when = opens >= 1440 ? `明天 ${hhmm(opens)}` : hhmm(opens);
  return { hours: `Mo-Su ${hhmm(opens)}-${hhmm(opens + 120)}`, text: `${when} 开门` };
}

before(async () => {
  server = await startServer({ label: 'stations-server' });
  browser = await launchBrowser();

  token = (await api('/api/v1/auth/sign-in/password', { method: 'POST', body: { phone: '13800000002', password: 'waystation-demo' } }))
    .token;
  const orgs = await api('/api/v1/orgs?limit=200');
  const yuzhong = orgs.items.find((o) => o.name === '渝中区总工会');
  assert.ok(yuzhong, 'the demo tree has 渝中区总工会');

  const closing = closesInTwoHours();
  const opening = opensInThreeHours();
  const plan = [
    // name, metres north/east, hours, amenities, status after creation
    ['解放碑测试服务站', [8, 5], '24/7', { phone_charging: true, drinking_water: true }, 'open', '渝中区民族路 166 号'],
    ['临江门测试商户', [-12, 0], '24/7', { drinking_water: true, toilet: true }, 'open', '渝中区临江路 1 号'],
    ['民族路测试骑手驿站', [0, -18], opening.hours, { phone_charging: true, ebike_charging: true }, 'open', '渝中区民族路 20 号'],
    ['较场口测试驿站', [-25, 20], closing.hours, { phone_charging: true, ebike_charging: true, car_parking: 12 }, 'open', '渝中区较场口 8 号'],
    ['七星岗测试驿站', [1200, 600], '24/7', { phone_charging: true, microwave: true }, 'open', '渝中区中山一路 3 号'],
    ['八一路测试驿站（装修中）', [4, -4], '24/7', { phone_charging: true }, 'suspended', '渝中区八一路 2 号'],
    ['规划中的测试驿站', [2, 2], '24/7', { phone_charging: true }, 'planned', '渝中区邹容路 1 号'],
  ];
  for (const [name, [north, east], hours, amenities, status, address] of plan) {
    const created = await api('/api/v1/stations', {
      method: 'POST',
      body: {
        name,
        kind: 'union_station',
        org_id: yuzhong.id,
        address,
        location: near(north, east),
        opening_hours: hours,
        amenities,
        manager_name: '张师傅',
        manager_phone: '13912345678',
        rules: '爱护公物，保持清洁。\n休息时请保持安静。',
        six_haves: { signage: true, layout: true, facilities: true, services: true, rules: true, map_info: false },
        status: status === 'planned' ? 'planned' : undefined,
      },
    });
    if (status === 'suspended') {
      await api(`/api/v1/stations/${created.id}/status`, { method: 'POST', body: { status: 'suspended', reason: '装修' } });
    }
    stations[name] = { ...created, hoursText: hours === closing.hours ? closing.text : hours === opening.hours ? opening.text : null };
  }
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** The list items as the page shows them. */
async function listItems(page) {
  return page.getByTestId('station-item').evaluateAll((items) =>
    items.map((li) => ({
      id: Number(li.dataset.id),
      open: li.dataset.open === 'true',
      distance: Number(li.dataset.distance),
      name: li.querySelector('.station-name').textContent,
      distanceText: li.querySelector('[data-testid="station-distance"]').textContent,
      openText: li.querySelector('[data-testid="station-open"]').textContent,
      when: li.querySelector('[data-testid="station-when"]')?.textContent ?? '',
      amenities: [...li.querySelectorAll('[data-amenity]')].map((a) => a.dataset.amenity),
    })),
  );
}

/** Waits until the list is not being re-queried. */
async function listSettled(page) {
  await page.locator('[data-testid="station-list"][aria-busy="false"]').waitFor();
}

function assertNearestFirst(items) {
  for (let i = 1; i < items.length; i++) {
    assert.ok(items[i - 1].distance <= items[i].distance, `nearest first: ${items[i - 1].distance} then ${items[i].distance}`);
  }
}

const DISTANCE = /^(\d+ 米|\d+\.\d 公里|\d+ 公里)$/;

/** A screenshot of what the phone's screen shows (not the whole page), into $WAYSTATION_SCREENSHOTS. */
async function screenScreenshot(page, name) {
  const dir = process.env.WAYSTATION_SCREENSHOTS;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name}.png`) });
}

/** Script errors of a page, to assert there are none. */
function scriptErrors(page) {
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.stack || error.message));
  return errors;
}

/** Only requests to the server under test go through: the tile server is unreachable, as offline. */
async function offline(page) {
  await page.route(
    (url) => !url.href.startsWith(server.baseURL),
    (route) => route.abort('internetdisconnected'),
  );
}

test('a worker finds the nearest open station with phone charging and opens AMap navigation', { timeout: TEST_TIMEOUT }, async () => {
  await withPage(browser, { viewport: MOBILE, baseURL: server.baseURL, name: 'stations-map' }, async (page) => {
    const errors = scriptErrors(page);
    await offline(page);
    // From the home page, by its big button.
    await page.goto('/');
    await clickAndLoad(page, page.getByTestId('home-stations'));
    assert.equal(pathOf(page), '/stations');
    assert.equal(await page.locator('header [data-nav="stations"]').getAttribute('aria-current'), 'page');
    assert.equal(await page.getByTestId('locate').isVisible(), true, 'the locate button is offered with JavaScript');
    assert.match(await page.getByTestId('list-status').innerText(), /定位/);

    // The offline fallback: a city centre from the list.
    await page.getByTestId('place-select').selectOption({ label: '重庆解放碑' });
    await page.waitForURL(/lat=29\.557600&lng=106\.577000/);
    await listSettled(page);
    let items = await listItems(page);
    assert.ok(items.length >= 5, `stations are listed (${items.length})`);
    assertNearestFirst(items);
    const names = items.map((i) => i.name);
    for (const name of ['解放碑测试服务站', '临江门测试商户', '民族路测试骑手驿站', '较场口测试驿站', '八一路测试驿站（装修中）']) {
      assert.ok(names.includes(name), `${name} is listed`);
    }
    assert.ok(!names.includes('规划中的测试驿站'), 'planned stations are not on the map');
    for (const item of items) assert.match(item.distanceText, DISTANCE);
    const suspended = items.find((i) => i.name === '八一路测试驿站（装修中）');
    assert.equal(suspended.open, false);
    assert.equal(suspended.openText, '暂停服务');
    assert.equal(items.find((i) => i.name === '民族路测试骑手驿站').when, stations['民族路测试骑手驿站'].hoursText);
    assert.equal(items.find((i) => i.name === '解放碑测试服务站').when, '全天开放');
    // The tiles did not load; the map says so and the list works all the same.
    await page.getByTestId('tiles-failed').waitFor();
    assert.ok(Number(await page.getByTestId('map').getAttribute('data-markers')) >= items.length, 'a marker per station');
    assert.ok((await page.locator('#stations-map path.leaflet-interactive[data-open="true"]').count()) > 0, 'open stations have green markers');
    assert.ok((await page.locator('#stations-map path.leaflet-interactive[data-open="false"]').count()) > 0, 'closed stations have grey markers');

    // Open now + phone charging: chips that combine, in the address, without a reload.
    const marker = await page.evaluate(() => (window.__sameDocument = true));
    assert.equal(marker, true);
    await page.getByTestId('chip-open').click();
    await listSettled(page);
    await page.getByTestId('chip-phone_charging').click();
    await listSettled(page);
    await page.waitForURL(/open=1&amenity=phone_charging$/);
    assert.equal(await page.evaluate(() => window.__sameDocument), true, 'the chips did not reload the page');
    assert.equal(await page.getByTestId('chip-open').getAttribute('aria-pressed'), 'true');
    assert.equal(await page.getByTestId('chip-phone_charging').getAttribute('aria-pressed'), 'true');
    assert.equal(await page.getByTestId('chip-toilet').getAttribute('aria-pressed'), 'false');
    assert.equal(
      await page.getByTestId('chip-toilet').getAttribute('href'),
      '/stations?lat=29.557600&lng=106.577000&open=1&amenity=phone_charging,toilet',
    );

    items = await listItems(page);
    assert.ok(items.length >= 3, `matching stations are listed (${items.length})`);
    assertNearestFirst(items);
    for (const item of items) {
      assert.equal(item.open, true, `${item.name} is open`);
      assert.equal(item.openText, '营业中');
      assert.ok(item.amenities.includes('phone_charging'), `${item.name} has phone charging`);
      assert.match(item.distanceText, DISTANCE);
    }
    const shown = items.map((i) => i.name);
    assert.ok(shown.includes('解放碑测试服务站'));
    assert.ok(shown.includes('较场口测试驿站'));
    assert.ok(shown.indexOf('解放碑测试服务站') < shown.indexOf('较场口测试驿站'), 'nearer first');
    for (const excluded of ['临江门测试商户', '民族路测试骑手驿站', '八一路测试驿站（装修中）', '规划中的测试驿站']) {
      assert.ok(!shown.includes(excluded), `${excluded} is filtered out`);
    }
    assert.equal(items.find((i) => i.name === '较场口测试驿站').when, stations['较场口测试驿站'].hoursText);
    const far = items.find((i) => i.name === '七星岗测试驿站');
    if (far) assert.match(far.distanceText, /^1\.\d 公里$/);
    // The map and the first stations, as the 390×844 screen shows them.
    await screenScreenshot(page, 'stations-map');

    // Typed coordinates are taken without a reload too; bad ones get a message.
    await page.getByTestId('place-input').fill('29.5577，106.5771');
    await page.getByTestId('place-submit').click();
    await page.waitForURL(/lat=29\.557700&lng=106\.577100&open=1&amenity=phone_charging$/);
    await listSettled(page);
    assert.equal(await page.getByTestId('place-submit').isEnabled(), true, 'the search button stays usable');
    assert.equal(await page.getByTestId('place-select').inputValue(), '');
    await page.getByTestId('place-input').fill('解放碑');
    await page.getByTestId('place-submit').click();
    assert.match(await page.getByTestId('place-status').innerText(), /纬度,经度/);
    assert.equal(await page.evaluate(() => window.__sameDocument), true);
    await page.getByTestId('place-select').selectOption({ label: '重庆解放碑' });
    await page.waitForURL(/lat=29\.557600&lng=106\.577000&open=1&amenity=phone_charging$/);
    await listSettled(page);

    // The same address, loaded afresh, renders the same list on the server.
    const shared = page.url();
    await page.goto(shared);
    await listSettled(page);
    assert.deepEqual((await listItems(page)).map((i) => i.id), items.map((i) => i.id));

    // The nearest one, and its page.
    const first = items[0];
    await clickAndLoad(page, page.getByTestId('station-link').first());
    assert.equal(pathOf(page), `/stations/${first.id}`);
    assert.equal(await page.getByTestId('station-name').innerText(), first.name);
    assert.equal(await page.getByTestId('station-open').innerText(), '营业中');

    const gcj = await api(`/api/v1/stations/${first.id}?datum=gcj02`, { auth: false });
    const amap = await page.getByTestId('nav-amap').getAttribute('href');
    assert.ok(amap.startsWith('https://uri.amap.com/navigation?to='), amap);
    const [lng, lat] = amap.slice('https://uri.amap.com/navigation?to='.length).split(',').map(Number);
    assert.ok(Math.abs(lng - gcj.location.lng) < 2e-6 && Math.abs(lat - gcj.location.lat) < 2e-6, `GCJ-02, longitude first: ${amap} vs ${JSON.stringify(gcj.location)}`);
    const wgs = await api(`/api/v1/stations/${first.id}`, { auth: false });
    assert.ok(Math.abs(lng - wgs.location.lng) > 1e-3, 'the AMap link is not in WGS-84');
    assert.match(await page.getByTestId('nav-baidu').getAttribute('href'), /^baidumap:\/\/map\/direction\?destination=latlng:/);
    assert.match(await page.getByTestId('nav-tencent').getAttribute('href'), /^https:\/\/apis\.map\.qq\.com\/uri\/v1\/routeplan\?/);
    // AMap first.
    const order = await page.locator('.nav-buttons a').evaluateAll((links) => links.map((a) => a.dataset.testid));
    assert.deepEqual(order, ['nav-amap', 'nav-baidu', 'nav-tencent']);
    await page.getByTestId('tiles-failed').waitFor();
    await screenshot(page, 'station');
    assert.deepEqual(errors, [], 'no script errors');
  });
});

test('the station page tells everything about the station, and hides planned ones', { timeout: TEST_TIMEOUT }, async () => {
  await withPage(browser, { viewport: MOBILE, baseURL: server.baseURL, name: 'station-page' }, async (page) => {
    const errors = scriptErrors(page);
    await offline(page);
    const station = stations['较场口测试驿站'];
    await page.goto(`/stations/${station.id}`);
    assert.equal(await page.getByTestId('station-name').innerText(), '较场口测试驿站');
    assert.equal(await page.getByTestId('station-code').innerText(), station.code);
    assert.equal(await page.getByTestId('station-owner').innerText(), '渝中区总工会');
    assert.equal(await page.getByTestId('station-address').innerText(), '渝中区较场口 8 号');
    assert.equal(await page.getByTestId('station-status').innerText(), '开放');
    assert.equal(await page.getByTestId('station-open').innerText(), '营业中');
    assert.equal(await page.getByTestId('station-when').innerText(), station.hoursText);
    const amenities = await page.getByTestId('station-amenities').innerText();
    assert.match(amenities, /手机充电/);
    assert.match(amenities, /电动车充电/);
    assert.match(amenities, /汽车停车位\s*12 个/);
    const manager = await page.getByTestId('station-manager').innerText();
    assert.match(manager, /张师傅/);
    assert.match(manager, /139\*{4}5678/);
    assert.doesNotMatch(manager, /13912345678/, 'the public sees the phone masked');
    assert.match(await page.getByTestId('station-rules').innerText(), /爱护公物/);
    const six = page.getByTestId('station-six-haves');
    assert.equal(await six.locator('li.met').count(), 5);
    assert.equal(await six.locator('li.unmet').count(), 1);
    assert.equal(await page.getByTestId('station-suspended').count(), 0);
    assert.equal(await page.getByTestId('station-map').getAttribute('data-ready'), 'true');
    assert.equal(await page.locator('#station-map img.leaflet-marker-icon').count(), 1, 'a marker with the bundled pin image');
    const pin = await page.locator('#station-map img.leaflet-marker-icon').getAttribute('src');
    const image = await page.request.get(pin);
    assert.equal(image.status(), 200);
    assert.equal(image.headers()['content-type'], 'image/png');

    // Suspended: said clearly.
    await page.goto(`/stations/${stations['八一路测试驿站（装修中）'].id}`);
    assert.match(await page.getByTestId('station-suspended').innerText(), /暂停服务/);
    assert.equal(await page.getByTestId('station-status').innerText(), '暂停服务');

    // Planned: not for the public, but for the staff of its organisation.
    const planned = stations['规划中的测试驿站'].id;
    const refused = await page.goto(`/stations/${planned}`);
    assert.equal(refused.status(), 404);
    assert.match(await page.locator('main h1').innerText(), /找不到该驿站/);
    const asStaff = await fetch(`${server.baseURL}/stations/${planned}`, { headers: { Authorization: `Bearer ${token}` } });
    assert.equal(asStaff.status, 200);
    assert.match(await asStaff.text(), /data-testid="station-unlisted"/);
    assert.equal((await page.goto('/stations/999999')).status(), 404);

    // In English.
    await clickAndLoad(page, page.getByTestId('lang-switch'));
    await page.goto(`/stations/${station.id}`);
    assert.equal(await page.getByTestId('nav-amap').innerText(), 'AMap');
    assert.equal(await page.getByTestId('station-open').innerText(), 'Open now');
    assert.match(await page.getByTestId('station-when').innerText(), /^closes at /);
    assert.deepEqual(errors, [], 'no script errors');
  });
});

test('without JavaScript the map page is a list driven by its address and links', { timeout: TEST_TIMEOUT }, async () => {
  const context = await browser.newContext({ viewport: MOBILE, baseURL: server.baseURL, locale: 'zh-CN', javaScriptEnabled: false });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  try {
    await offline(page);
    await page.goto('/stations');
    assert.equal(await page.getByTestId('locate').isVisible(), false, 'no locate button without JavaScript');
    assert.equal(await page.getByTestId('station-item').count(), 0);

    // The place form: typed coordinates (a full-width comma, as a phone keyboard types it).
    await page.getByTestId('place-input').fill('29.5576，106.577');
    await clickAndLoad(page, page.getByTestId('place-submit'));
    assert.equal(new URL(page.url()).search, '?lat=29.557600&lng=106.577000');
    assert.ok((await page.getByTestId('station-item').count()) >= 5);

    // A chip is a link that toggles its filter.
    await clickAndLoad(page, page.getByTestId('chip-phone_charging'));
    assert.equal(new URL(page.url()).search, '?lat=29.557600&lng=106.577000&amenity=phone_charging');
    await clickAndLoad(page, page.getByTestId('chip-open'));
    assert.equal(new URL(page.url()).search, '?lat=29.557600&lng=106.577000&open=1&amenity=phone_charging');
    const items = await listItems(page);
    assert.ok(items.length >= 3);
    assertNearestFirst(items);
    for (const item of items) {
      assert.equal(item.open, true);
      assert.ok(item.amenities.includes('phone_charging'));
    }
    assert.equal(items.find((i) => i.name === '较场口测试驿站').when, stations['较场口测试驿站'].hoursText);
    // Toggling again removes it.
    await clickAndLoad(page, page.getByTestId('chip-open'));
    assert.equal(new URL(page.url()).search, '?lat=29.557600&lng=106.577000&amenity=phone_charging');

    // A city centre from the list keeps the filters.
    await page.getByTestId('place-select').selectOption({ label: '长沙五一广场' });
    await clickAndLoad(page, page.getByTestId('place-submit'));
    assert.equal(new URL(page.url()).search, '?lat=28.196000&lng=112.977000&amenity=phone_charging');

    // Nonsense is refused with a message, and nothing is searched.
    await page.getByTestId('place-input').fill('解放碑');
    await clickAndLoad(page, page.getByTestId('place-submit'));
    assert.match(await page.locator('p.notice-error').innerText(), /纬度,经度/);
    assert.equal(await page.getByTestId('station-item').count(), 0);

    // English: distances in metres and kilometres.
    await context.addCookies([{ name: 'ws_lang', value: 'en', url: server.baseURL }]);
    await page.goto('/stations?lat=29.5576&lng=106.577&amenity=phone_charging');
    const english = await listItems(page);
    for (const item of english) assert.match(item.distanceText, /^(\d+ m|\d+\.\d km|\d+ km)$/);
    assert.equal(await page.getByTestId('chip-open').innerText(), 'Open now');
  } finally {
    await context.close();
  }
});

test('on GCJ-02 tiles (AMap) the markers are shifted to match, and the tiles are drawn', { timeout: TEST_TIMEOUT }, async () => {
  // A stand-in tile server: every tile is the same small picture.
  const { createServer } = await import('node:http');
  // A 1×1 pale green PNG.
  const tile = Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR42mM48ewEAATwAneAkoS4AAAAAElFTkSuQmCC',
    'base64',
  );
  const tiles = createServer((request, response) => {
    response.writeHead(200, { 'Content-Type': 'image/png', 'Cache-Control': 'no-store' });
    response.end(tile);
  });
  await new Promise((resolve) => tiles.listen(0, '127.0.0.1', resolve));
  const saved = { url: process.env.WAYSTATION_TILE_URL, datum: process.env.WAYSTATION_TILE_DATUM };
  process.env.WAYSTATION_TILE_URL = `http://127.0.0.1:${tiles.address().port}/{z}/{x}/{y}.png`;
  process.env.WAYSTATION_TILE_DATUM = 'gcj02';
  let amapServer;
  try {
    amapServer = await startServer({ label: 'stations-gcj02-server' });
  } finally {
    for (const [name, value] of [['WAYSTATION_TILE_URL', saved.url], ['WAYSTATION_TILE_DATUM', saved.datum]]) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
  try {
    const call = async (path, init = {}) => {
      const response = await fetch(`${amapServer.baseURL}${path}`, init);
      assert.ok(response.ok, `${path}: ${response.status}`);
      return response.json();
    };
    const { token: amapToken } = await call('/api/v1/auth/sign-in/password', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ phone: '13800000002', password: 'waystation-demo' }),
    });
    const orgs = await call('/api/v1/orgs?limit=200');
    const yuzhong = orgs.items.find((o) => o.name === '渝中区总工会');
    const created = await call('/api/v1/stations', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${amapToken}` },
      body: JSON.stringify({
        name: '解放碑高德测试驿站',
        kind: 'rider_station',
        org_id: yuzhong.id,
        address: '渝中区民权路 1 号',
        location: near(40, 30),
        opening_hours: '24/7',
        amenities: { phone_charging: true },
      }),
    });
    const gcj = await call(`/api/v1/stations/${created.id}?datum=gcj02`);

    await withPage(browser, { viewport: MOBILE, baseURL: amapServer.baseURL, name: 'stations-gcj02' }, async (page) => {
      const errors = scriptErrors(page);
      await page.goto('/stations?lat=29.5576&lng=106.577');
      const item = page.locator(`[data-testid="station-item"][data-id="${created.id}"]`);
      assert.ok(Math.abs(Number(await item.getAttribute('data-lat')) - gcj.location.lat) < 1e-9, 'the marker is in GCJ-02');
      assert.ok(Math.abs(Number(await item.getAttribute('data-lng')) - gcj.location.lng) < 1e-9);
      const serverDistance = Number(await item.getAttribute('data-distance'));

      // The script shifts the WGS-84 origin to GCJ-02 itself before asking the API in the tiles' datum:
      // the distances it gets back are the server's, to the decimetre.
      await page.getByTestId('chip-phone_charging').click();
      await listSettled(page);
      const again = page.locator(`[data-testid="station-item"][data-id="${created.id}"]`);
      assert.ok(Math.abs(Number(await again.getAttribute('data-distance')) - serverDistance) <= 0.1, 'the same distance');
      assert.ok(Math.abs(Number(await again.getAttribute('data-lng')) - gcj.location.lng) < 1e-9);

      await page.locator('#stations-map img.leaflet-tile-loaded').first().waitFor();
      assert.equal(await page.getByTestId('tiles-failed').isHidden(), true);
      assert.deepEqual(errors, [], 'no script errors');
    });
  } finally {
    await amapServer.stop();
    await new Promise((resolve) => tiles.close(resolve));
  }
});
