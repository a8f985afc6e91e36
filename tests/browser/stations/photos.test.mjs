// Station photos as the demo org admin adds one: upload a generated PNG on
// the console station page, see it there, then in the gallery of the public
// station page, lazy-loaded and with alt text; then remove it.
// One server (demo data, fresh SQLite database) and one Chromium for the file.

import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import { after, before, test } from 'node:test';
import { DESKTOP, clickAndLoad, launchBrowser, pathOf, screenshot, signInWithPassword, startServer, withPage } from '../harness.mjs';

let server;
let browser;

before(async () => {
  server = await startServer({ label: 'station-photos-server' });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const TEST_TIMEOUT = 120_000;

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A real RGB PNG: a gradient of `width`×`height` pixels. */
function gradientPng(width, height) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const rows = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 3);
    for (let x = 0; x < width; x++) row.set([(x * 255) / width, (y * 255) / height, 160], 1 + x * 3);
    rows.push(row);
  }
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', header), chunk('IDAT', deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))]);
}

/** The demo organisation admin of 重庆市总工会. */
const signInAsOrgAdmin = (page) => signInWithPassword(page, '13800000002');

test('an org admin uploads a photo on the console and it shows on the public station page', { timeout: TEST_TIMEOUT }, async () => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'ws-photo-')), 'station.png');
  writeFileSync(file, gradientPng(320, 200));
  await withPage(browser, { viewport: DESKTOP, baseURL: server.baseURL, name: 'station-photos' }, async (page) => {
    await signInAsOrgAdmin(page);
    await page.goto('/console/stations');
    await page.getByTestId('station-table').waitFor();
    await clickAndLoad(page, page.getByTestId('station-table').locator('a[href^="/console/stations/"]').first());
    assert.match(pathOf(page), /^\/console\/stations\/\d+$/);
    const id = pathOf(page).split('/').pop();
    const name = await page.getByTestId('station-name').innerText();
    await page.getByTestId('no-photos').waitFor();

    const form = page.getByTestId('photo-form');
    await form.locator('input[name="photo"]').setInputFiles(file);
    await form.locator('input[name="caption"]').fill('驿站门口');
    await clickAndLoad(page, form.locator('button[type="submit"]'));
    assert.equal(pathOf(page), `/console/stations/${id}`);
    assert.match(await page.locator('.notice-ok').innerText(), /照片已添加/);
    const thumb = page.getByTestId('console-photo').locator('img');
    assert.equal(await thumb.count(), 1);
    await thumb.evaluate((img) => (img.complete ? null : new Promise((done) => img.addEventListener('load', done))));
    assert.equal(await thumb.evaluate((img) => img.naturalWidth), 320, 'the thumbnail loads the image');
    await screenshot(page, 'console-station-photos');

    await clickAndLoad(page, page.getByTestId('public-page'));
    assert.equal(pathOf(page), `/stations/${id}`);
    const shown = page.getByTestId('station-photos').locator('img');
    assert.equal(await shown.count(), 1);
    assert.equal(await shown.getAttribute('alt'), '驿站门口');
    assert.equal(await shown.getAttribute('loading'), 'lazy');
    await shown.scrollIntoViewIfNeeded();
    await shown.evaluate((img) => (img.complete ? null : new Promise((done) => img.addEventListener('load', done))));
    assert.equal(await shown.evaluate((img) => img.naturalHeight), 200);
    assert.match(await page.getByTestId('station-name').innerText(), new RegExp(name.slice(0, 2)));
    await screenshot(page, 'station-photos');

    // Removed on the console, it leaves the public page.
    await page.goto(`/console/stations/${id}`);
    page.once('dialog', (dialog) => dialog.accept());
    await clickAndLoad(page, page.getByTestId('remove-photo'));
    assert.match(await page.locator('.notice-ok').innerText(), /照片已删除/);
    await page.goto(`/stations/${id}`);
    assert.equal(await page.getByTestId('station-photos').count(), 0);
  });
});
