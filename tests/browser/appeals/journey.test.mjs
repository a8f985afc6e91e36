// Appeals in a real browser, on the demo data: a rider files an appeal on the
// phone page with a place near Jiefangbei; the district's case handler accepts
// and replies in the console; the rider confirms and rates. And the demo's
// case that nobody accepted shows red and appears at the supervising level.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { MOBILE, DESKTOP, clickAndLoad, launchBrowser, logMark, pathOf, readCode, screenshot, signInWithPassword, startServer, withPage } from '../harness.mjs';

let server;
let browser;
const TEST_TIMEOUT = 120_000;
// 赵磊, the demo's rider; 李明, case handler of 渝中区总工会; 陈静, admin of 重庆市总工会.
const RIDER = '13800000007';
const HANDLER = '13800000003';
const CITY_ADMIN = '13800000002';

before(async () => {
  server = await startServer({ label: 'appeals-server' });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function notice(page) {
  return page.locator('main > p.notice').innerText();
}

test('a rider files on the phone, staff accept and reply, the rider confirms and rates', { timeout: TEST_TIMEOUT }, async () => {
  await withPage(browser, { viewport: MOBILE, baseURL: server.baseURL, name: 'appeal-rider' }, async (page) => {
    // Not signed in: the filing page asks for the phone and a one-time code first.
    await page.goto('/appeals/new');
    assert.equal(pathOf(page), '/sign-in');
    await page.getByTestId('phone').fill(RIDER);
    const mark = logMark(server);
    await clickAndLoad(page, page.getByTestId('send-code'));
    await page.getByTestId('code').fill(await readCode(server, RIDER, { since: mark }));
    await clickAndLoad(page, page.getByTestId('verify'));
    assert.equal(pathOf(page), '/appeals/new');

    await page.getByTestId('type-complaint').check();
    await page.getByTestId('appeal-category').selectOption('parking_towing');
    // Only the chosen category's fields show.
    assert.equal(await page.getByTestId('field-wage_arrears-amount_yuan').isVisible(), false);
    await page.getByTestId('field-parking_towing-date').fill('2025-07-14');
    await page.getByTestId('field-parking_towing-place').fill('解放碑八一路');
    await page.getByTestId('appeal-text').fill('送餐时电动车临时停在路边被拖走了');
    await page.getByTestId('appeal-lat').fill('29.5575');
    await page.getByTestId('appeal-lng').fill('106.5769');
    await screenshot(page, 'appeal-filing');
    await clickAndLoad(page, page.getByTestId('appeal-submit'));
    assert.match(pathOf(page), /^\/appeals\/SQ-500103-\d{8}-\d{5}$/);
    assert.equal(await notice(page), '诉求已提交，请记下诉求编号以便查询。');
    const number = await page.getByTestId('case-number').innerText();
    assert.equal(await page.getByTestId('case-stage').innerText(), '已提交');
    assert.ok(await page.getByTestId('meeting-place').isVisible(), 'the nearest station is suggested as the place to meet');

    // The district's handler accepts and replies.
    await withPage(browser, { viewport: DESKTOP, baseURL: server.baseURL, name: 'appeal-handler' }, async (desk) => {
      await signInWithPassword(desk, HANDLER);
      await desk.goto('/console/appeals');
      const row = desk.locator('[data-testid="queue-row"]', { hasText: number });
      await clickAndLoad(desk, row.locator('a'));
      assert.equal(await desk.getByTestId('case-stage').innerText(), '已提交');
      assert.match(await desk.getByTestId('contact-masked').innerText(), /^138\*\*\*\*0007$/);
      await clickAndLoad(desk, desk.getByTestId('accept'));
      assert.equal(await desk.getByTestId('case-stage').innerText(), '已受理');
      await desk.getByTestId('reply-outcome').selectOption('supported');
      await desk.getByTestId('reply-text').fill('已与交巡警协调，拖车费用退回，并在八一路设置骑手临时停车点。');
      await clickAndLoad(desk, desk.getByTestId('reply-submit'));
      assert.equal(await desk.getByTestId('case-stage').innerText(), '已答复');
      await screenshot(desk, 'appeal-console-case');
    });

    await page.reload();
    assert.equal(await page.getByTestId('case-stage').innerText(), '已答复');
    assert.equal(await page.getByTestId('case-outcome').innerText(), '支持');
    await clickAndLoad(page, page.getByTestId('confirm-reply'));
    assert.equal(await page.getByTestId('case-stage').innerText(), '已办结');
    await page.getByTestId('stars-4').check();
    await page.getByTestId('rate-comment').fill('处理得很快');
    await clickAndLoad(page, page.getByTestId('rate-submit'));
    assert.equal(await page.getByTestId('case-stage').innerText(), '已评价');
    const events = await page.locator('[data-testid="timeline-row"]').evaluateAll((rows) => rows.map((r) => r.dataset.event));
    assert.deepEqual(events, ['file', 'accept', 'reply', 'confirm', 'rate']);
    await screenshot(page, 'appeal-case');

    // The rider was told of the acceptance and the reply.
    await page.goto('/notifications');
    assert.equal(await page.getByTestId('unread-count').innerText(), '2');
  });
});

test('a case nobody accepted shows red and appears at the supervising level', { timeout: TEST_TIMEOUT }, async () => {
  await withPage(browser, { viewport: DESKTOP, baseURL: server.baseURL, name: 'appeal-supervisor' }, async (page) => {
    await signInWithPassword(page, CITY_ADMIN);
    // The deadline clock ran when the server started: the demo's Jiangbei case is past its limit.
    await page.goto('/console/appeals?queue=escalated');
    const row = page.locator('[data-testid="queue-row"]', { hasText: '江北区总工会' });
    assert.equal(await row.count(), 1);
    assert.equal(await row.getAttribute('data-light'), 'breached');
    assert.ok(await row.getByTestId('escalated').isVisible());
    await screenshot(page, 'appeal-queue-escalated');
    await clickAndLoad(page, row.locator('a'));
    assert.equal(await page.getByTestId('case-light').getAttribute('data-light'), 'breached');
    // The supervising level may take it over.
    assert.ok(await page.getByTestId('accept').isVisible());
  });
});

test('the dashboard draws its charts, and its tables say everything without JavaScript', { timeout: TEST_TIMEOUT }, async () => {
  await withPage(browser, { viewport: DESKTOP, baseURL: server.baseURL, name: 'appeal-dashboard' }, async (page) => {
    await signInWithPassword(page, CITY_ADMIN);
    await page.goto('/console/appeals/dashboard');
    assert.ok(Number(await page.getByTestId('dashboard-total').innerText()) >= 3);
    for (const chart of ['by_type', 'by_category', 'by_stage', 'heat']) {
      await page.locator(`[data-testid="chart-${chart}"][data-drawn="true"] canvas`).waitFor();
    }
    await screenshot(page, 'appeal-dashboard');
    const cookies = await page.context().cookies();
    // The same page with JavaScript off: the numbers are in the tables.
    const bare = await browser.newContext({ viewport: DESKTOP, baseURL: server.baseURL, locale: 'zh-CN', javaScriptEnabled: false });
    try {
      await bare.addCookies(cookies);
      const plain = await bare.newPage();
      await plain.goto('/console/appeals/dashboard');
      assert.equal(await plain.locator('canvas').count(), 0);
      assert.ok((await plain.getByTestId('table-by_category').locator('tr').count()) >= 1);
      assert.match(await plain.getByTestId('table-by_union').innerText(), /江北区总工会/);
    } finally {
      await bare.close();
    }
  });
});
