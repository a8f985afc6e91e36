// Using a station in a real browser, on the demo data: a worker books a room
// and the station's manager confirms it at the desk; a worker reviews a
// station and an admin hides the review with a reason; feedback is sent,
// answered at the desk and shown on the station page.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { MOBILE, DESKTOP, clickAndLoad, launchBrowser, logMark, pathOf, readCode, screenshot, startServer, withPage } from '../harness.mjs';

let server;
let browser;
/** The demo's Changsha station with rooms (its manager is 刘洋, 13800000005), and 解放碑's station. */
let changsha;
let jiefangbei;

const TEST_TIMEOUT = 120_000;
// Workers of the demo. One code per phone a minute, so each journey signs in its own:
// 赵磊 (the demo worker) books; two of the demo's reviewers review and send feedback.
const WORKER = '13800000007';
const REVIEWER = { phone: '13800000105', masked: '欧**' };
const SENDER = { phone: '13800000104', name: '孙建国' };

async function api(path) {
  const response = await fetch(`${server.baseURL}${path}`, { headers: { Accept: 'application/json' } });
  if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

/** The first listed station matching `q` that has rooms to book. */
async function stationWithRooms(q) {
  const list = await api(`/api/v1/stations?q=${encodeURIComponent(q)}&status=open&limit=200`);
  for (const station of list.items) {
    const rooms = await api(`/api/v1/stations/${station.id}/resources`);
    if (rooms.items.length > 0) return { ...station, rooms: rooms.items };
  }
  throw new Error(`no demo station matching ${q} has rooms`);
}

/** A China day `days` from today, `YYYY-MM-DD`. */
function chinaDay(days) {
  return new Date(Date.now() + 8 * 3600_000 + days * 86_400_000).toISOString().slice(0, 10);
}

before(async () => {
  server = await startServer({ label: 'station-use-server' });
  browser = await launchBrowser();
  changsha = await stationWithRooms('物流站点骑士驿站');
  jiefangbei = await stationWithRooms('解放碑户外劳动者服务站');
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** On the sign-in page (reached from a "sign in to …" link): code from the log, then back where we came from. */
async function signInWithCode(page, phone) {
  assert.equal(pathOf(page), '/sign-in');
  const back = new URL(page.url()).searchParams.get('next');
  await page.getByTestId('phone').fill(phone);
  const mark = logMark(server);
  await clickAndLoad(page, page.getByTestId('send-code'));
  await page.getByTestId('code').fill(await readCode(server, phone, { since: mark }));
  await clickAndLoad(page, page.getByTestId('verify'));
  assert.equal(pathOf(page), back ?? '/account');
}

/** Staff sign in with the demo password, then open `path`. */
async function signInWithPassword(page, phone, path) {
  await page.goto('/sign-in');
  await page.locator('details.staff summary').click();
  await page.getByTestId('staff-phone').fill(phone);
  await page.getByTestId('staff-password').fill('waystation-demo');
  await clickAndLoad(page, page.getByTestId('password-sign-in'));
  assert.equal(pathOf(page), '/account');
  await page.goto(path);
}

async function notice(page) {
  return page.locator('main > p.notice').innerText();
}

test('a worker books a room, the manager confirms it, and the same slot cannot be booked again', { timeout: TEST_TIMEOUT }, async () => {
  const day = chinaDay(2);
  const room = changsha.rooms[0];
  const worker = await browser.newContext({ viewport: MOBILE, baseURL: server.baseURL, locale: 'zh-CN' });
  const page = await worker.newPage();
  try {
    await page.goto(`/stations/${changsha.id}`);
    await clickAndLoad(page, page.getByTestId('sign-in-to-book'));
    await signInWithCode(page, WORKER);

    await page.getByTestId('pick-room').selectOption(String(room.id));
    await page.getByTestId('pick-day').fill(day);
    await clickAndLoad(page, page.getByTestId('show-day'));
    assert.equal(await page.locator('[data-slot="10:00"]').getAttribute('data-state'), 'free');
    await page.getByTestId('book-start').selectOption('10:00');
    await page.getByTestId('book-end').selectOption('11:00');
    await page.getByTestId('book-people').fill('3');
    await page.getByTestId('book-note').fill('骑手安全座谈会');
    await clickAndLoad(page, page.getByTestId('book-submit'));
    assert.equal(await notice(page), '预约已提交，等待驿站确认。');
    assert.equal(await page.locator('[data-slot="10:00"]').getAttribute('data-state'), 'taken');
    assert.equal(await page.locator('[data-slot="10:30"]').getAttribute('data-state'), 'taken');
    assert.equal(await page.locator('[data-slot="11:00"]').getAttribute('data-state'), 'free');
    await screenshot(page, 'station-booking');

    await page.goto('/account');
    await clickAndLoad(page, page.getByTestId('my-reservations-link'));
    const mine = page.getByTestId('my-reservation').first();
    assert.equal(await mine.getAttribute('data-status'), 'requested');
    assert.equal(await mine.getByTestId('reservation-status').innerText(), '待确认');
    assert.match(await mine.innerText(), new RegExp(`${day} 10:00–11:00`));

    // The station's manager confirms it at the desk.
    await withPage(browser, { viewport: DESKTOP, baseURL: server.baseURL, name: 'manager-desk' }, async (desk) => {
      await signInWithPassword(desk, '13800000005', `/console/stations/${changsha.id}/desk?day=${day}`);
      const booking = desk.locator('[data-testid="desk-reservation"][data-status="requested"]', { hasText: '骑手安全座谈会' });
      assert.match(await booking.innerText(), /赵磊/);
      assert.doesNotMatch(await booking.innerText(), /13800000007/);
      await screenshot(desk, 'station-desk');
      await clickAndLoad(desk, booking.getByTestId('confirm'));
      assert.equal(await notice(desk), '预约已确认。');
      assert.equal(await desk.locator('[data-testid="desk-reservation"]', { hasText: '骑手安全座谈会' }).getAttribute('data-status'), 'confirmed');
    });

    await page.reload();
    assert.equal(await page.getByTestId('my-reservation').first().getAttribute('data-status'), 'confirmed');
    assert.equal(await page.getByTestId('reservation-status').first().innerText(), '已确认');
    await screenshot(page, 'account-reservations');

    // The same slot again: refused, with the reason in words.
    await page.goto(`/stations/${changsha.id}?resource=${room.id}&day=${day}`);
    await page.getByTestId('book-start').selectOption('10:30');
    await page.getByTestId('book-end').selectOption('11:30');
    await clickAndLoad(page, page.getByTestId('book-submit'));
    const alert = page.locator('p.notice-error[role="alert"]');
    assert.equal(await alert.innerText(), '该时段已被预约，请换一个时间。');
    await page.goto('/account/reservations');
    assert.equal(await page.getByTestId('my-reservation').count(), 1, 'the refused booking was not written');
  } finally {
    await worker.close();
  }
});

test('a worker reviews a station and edits it; an admin hides it with a reason the worker sees', { timeout: TEST_TIMEOUT }, async () => {
  const text = '座位干净，充电很快';
  const worker = await browser.newContext({ viewport: MOBILE, baseURL: server.baseURL, locale: 'zh-CN' });
  const page = await worker.newPage();
  try {
    await page.goto(`/stations/${jiefangbei.id}`);
    const before = Number(await page.getByTestId('review-count').innerText());
    await clickAndLoad(page, page.getByTestId('sign-in-to-review'));
    await signInWithCode(page, REVIEWER.phone);

    await page.getByTestId('stars-3').check();
    await page.getByTestId('review-text').fill('座位干净');
    await clickAndLoad(page, page.getByTestId('review-submit'));
    assert.equal(await notice(page), '评价已发表。');
    assert.equal(Number(await page.getByTestId('review-count').innerText()), before + 1);

    // Editing replaces it: still one review of mine, with the new stars and text.
    assert.equal(await page.getByTestId('stars-3').isChecked(), true);
    await page.getByTestId('stars-5').check();
    await page.getByTestId('review-text').fill(text);
    await clickAndLoad(page, page.getByTestId('review-submit'));
    assert.equal(await notice(page), '评价已修改。');
    assert.equal(Number(await page.getByTestId('review-count').innerText()), before + 1);
    const newest = page.getByTestId('review').first();
    assert.match(await newest.innerText(), new RegExp(`★★★★★ ${REVIEWER.masked.replace(/\*/g, '\\*')}`));
    assert.match(await newest.innerText(), new RegExp(text));
    assert.match(await page.getByTestId('review-average').innerText(), /^[1-5]\.\d$/);
    await screenshot(page, 'station-reviews');

    // An admin of the station's organisation hides it at the desk, with a reason.
    await withPage(browser, { viewport: DESKTOP, baseURL: server.baseURL, name: 'admin-moderates' }, async (desk) => {
      await signInWithPassword(desk, '13800000002', `/console/stations/${jiefangbei.id}/desk`);
      const review = desk.locator('[data-testid="desk-review"]', { hasText: text });
      // The reason is required before the browser sends the form.
      assert.equal(await review.getByTestId('hide-reason').evaluate((input) => input.validity.valueMissing), true);
      await review.getByTestId('hide-reason').fill('与驿站服务无关');
      await clickAndLoad(desk, review.getByTestId('hide'));
      assert.equal(await notice(desk), '评价已隐藏。');
      assert.equal(await desk.locator('[data-testid="desk-review"]', { hasText: text }).getAttribute('data-hidden'), 'true');
    });

    // Gone from the public page; the worker sees that it was hidden, and why.
    const anonymous = await browser.newContext({ viewport: MOBILE, baseURL: server.baseURL, locale: 'zh-CN' });
    const visitor = await anonymous.newPage();
    await visitor.goto(`/stations/${jiefangbei.id}`);
    assert.equal(await visitor.getByTestId('review').filter({ hasText: text }).count(), 0);
    assert.equal(Number(await visitor.getByTestId('review-count').innerText()), before);
    await anonymous.close();
    await page.reload();
    assert.equal(await page.getByTestId('review').filter({ hasText: text }).count(), 0);
    assert.match(await page.getByTestId('my-review-hidden').innerText(), /与驿站服务无关/);
  } finally {
    await worker.close();
  }
});

test('feedback is sent, answered at the desk, and the answer is shown on the station page', { timeout: TEST_TIMEOUT }, async () => {
  const text = '夜里门口的灯坏了，进出不方便。';
  const answer = '已更换门口灯具，谢谢反映。';
  const worker = await browser.newContext({ viewport: MOBILE, baseURL: server.baseURL, locale: 'zh-CN' });
  const page = await worker.newPage();
  try {
    await page.goto(`/stations/${changsha.id}`);
    await clickAndLoad(page, page.getByTestId('sign-in-to-feedback'));
    await signInWithCode(page, SENDER.phone);
    await page.getByTestId('feedback-text').fill(text);
    await clickAndLoad(page, page.getByTestId('feedback-submit'));
    assert.equal(await notice(page), '意见已发送给驿站管理员。');
    assert.equal(await page.getByTestId('public-feedback').filter({ hasText: text }).count(), 0, 'unanswered feedback stays private');

    await withPage(browser, { viewport: DESKTOP, baseURL: server.baseURL, name: 'manager-answers' }, async (desk) => {
      await signInWithPassword(desk, '13800000005', `/console/stations/${changsha.id}/desk`);
      const item = desk.locator('[data-testid="desk-unanswered"]', { hasText: text });
      assert.match(await item.innerText(), new RegExp(SENDER.name));
      await item.getByTestId('answer-text').fill(answer);
      await clickAndLoad(desk, item.getByTestId('answer-submit'));
      assert.equal(await notice(desk), '已回复。');
      assert.equal(await desk.locator('[data-testid="desk-unanswered"]', { hasText: text }).count(), 0);
      assert.equal(await desk.locator('[data-testid="desk-answered"]', { hasText: text }).count(), 1);
    });

    await page.reload();
    const shown = page.getByTestId('public-feedback').filter({ hasText: text });
    assert.equal(await shown.getByTestId('feedback-answer').innerText(), answer);
    await screenshot(page, 'station-feedback');
    await page.goto('/account/feedback');
    const mine = page.getByTestId('my-feedback-item').filter({ hasText: text });
    assert.equal(await mine.getByTestId('my-feedback-answer').innerText(), answer);
  } finally {
    await worker.close();
  }
});
