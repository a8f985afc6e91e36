// The station console as an organisation admin uses it: create a station with
// its hours and a charger, find it on the public map and page, suspend it
// with a reason and read the history; and the coverage view of demand.
// One server (demo data, fresh SQLite database) and one Chromium for the file.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DESKTOP, clickAndLoad, launchBrowser, pathOf, screenshot, signInWithPassword, startServer, withPage } from '../harness.mjs';

let server;
let browser;

before(async () => {
  server = await startServer({ label: 'station-console-server' });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const TEST_TIMEOUT = 120_000;
/** A point near 解放碑 that no demo station shares, so the map lists ours first. */
const HERE = { lat: '29.561234', lng: '106.571234' };

/** The demo organisation admin of 重庆市总工会. */
const signInAsOrgAdmin = (page) => signInWithPassword(page, '13800000002');

test('an org admin creates a station, finds it on the map, suspends it and reads its history', { timeout: TEST_TIMEOUT }, async () => {
  await withPage(browser, { viewport: DESKTOP, baseURL: server.baseURL, name: 'station-console' }, async (page) => {
    await signInAsOrgAdmin(page);
    await page.goto('/console');
    await clickAndLoad(page, page.getByTestId('console-stations'));
    assert.equal(pathOf(page), '/console/stations');
    await page.getByTestId('station-table').waitFor();
    await screenshot(page, 'console-stations');

    await clickAndLoad(page, page.getByTestId('new-station'));
    const form = page.getByTestId('station-form');
    await form.locator('input[name="name"]').fill('测试驿站（控制台）');
    await form.locator('select[name="kind"]').selectOption('rider_station');
    const yuzhong = await form.locator('select[name="org_id"] option', { hasText: '渝中区总工会' }).getAttribute('value');
    await form.locator('select[name="org_id"]').selectOption(yuzhong);
    await form.locator('input[name="address"]').fill('渝中区临江路 8 号');
    await form.locator('input[name="lat"]').fill(HERE.lat);
    await form.locator('input[name="lng"]').fill(HERE.lng);
    // First a mistake: hours the parser cannot read. The form comes back with our input and the reason.
    await form.locator('input[name="opening_hours"]').fill('每天 8 点到 22 点');
    await form.locator('input[name="amenity"][value="phone_charging"]').check();
    await form.locator('input[name="amenity"][value="ev_chargers"]').check();
    await form.locator('input[name="count_ev_chargers"]').fill('2');
    await form.locator('input[name="six_have"][value="signage"]').check();
    await clickAndLoad(page, page.getByTestId('save-station'));
    await page.getByTestId('hours-error').waitFor();
    assert.match(await page.getByTestId('hours-error').innerText(), /开放时间/);
    assert.equal(await form.locator('input[name="name"]').inputValue(), '测试驿站（控制台）');
    assert.equal(await form.locator('input[name="count_ev_chargers"]').inputValue(), '2');
    await form.locator('input[name="opening_hours"]').fill('24/7');
    await screenshot(page, 'console-station-form');
    await clickAndLoad(page, page.getByTestId('save-station'));
    assert.match(pathOf(page), /^\/console\/stations\/\d+$/);
    const id = pathOf(page).split('/').pop();
    assert.equal(await page.getByTestId('station-name').innerText(), '测试驿站（控制台）');
    assert.match(await page.locator('.notice-ok').innerText(), /驿站已创建/);
    assert.equal(await page.getByTestId('desk').getAttribute('href'), `/console/stations/${id}/desk`);
    assert.equal(await page.getByTestId('poster').getAttribute('href'), `/stations/${id}/poster`);

    // The public page and the map show it, open, with its charger.
    await clickAndLoad(page, page.getByTestId('public-page'));
    assert.equal(pathOf(page), `/stations/${id}`);
    assert.equal(await page.getByTestId('station-name').innerText(), '测试驿站（控制台）');
    assert.match(await page.locator('main').innerText(), /充电桩|EV/);
    await page.goto(`/stations?lat=${HERE.lat}&lng=${HERE.lng}`);
    const first = page.getByTestId('station-item').first();
    assert.equal(await first.getAttribute('data-id'), id);
    assert.equal(await first.getAttribute('data-open'), 'true');

    // Suspend it with a reason; the history says who and why.
    await page.goto(`/console/stations/${id}`);
    const status = page.getByTestId('status-form');
    await status.locator('select[name="status"]').selectOption('suspended');
    await status.locator('input[name="reason"]').fill('停电检修');
    await clickAndLoad(page, status.locator('button[type="submit"]'));
    assert.match(await page.locator('.notice-ok').innerText(), /状态已更改/);
    assert.equal(await page.getByTestId('station-status').innerText(), '暂停服务');
    const history = await page.getByTestId('status-history').innerText();
    assert.match(history, /停电检修/);
    assert.match(history, /陈静/);
    await page.goto(`/stations/${id}`);
    await page.getByTestId('station-suspended').waitFor();
  });
});

test('the coverage view shows demand on a map and the worst gaps in a table', { timeout: TEST_TIMEOUT }, async () => {
  // Three searches in Chongqing's area: the demand the view must count.
  for (let i = 0; i < 3; i++) {
    const response = await fetch(`${server.baseURL}/api/v1/stations/nearest?lat=29.40&lng=106.30`);
    assert.equal(response.status, 200);
  }
  await withPage(browser, { viewport: DESKTOP, baseURL: server.baseURL, name: 'coverage' }, async (page) => {
    await signInAsOrgAdmin(page);
    await page.goto('/console');
    await clickAndLoad(page, page.getByTestId('console-coverage'));
    assert.equal(pathOf(page), '/console/coverage');
    assert.ok(Number(await page.getByTestId('coverage-demand').innerText()) >= 3, 'the searches are counted');
    await page.locator('#coverage-map[data-ready="true"]').waitFor();
    const drawn = Number(await page.locator('#coverage-map').getAttribute('data-cells'));
    assert.equal(drawn, await page.getByTestId('gap-row').count(), 'the map draws the cells the table lists');
    await screenshot(page, 'console-coverage');
  });
});
