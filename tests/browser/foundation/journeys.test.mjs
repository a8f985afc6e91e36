// End-to-end journeys through Waystation's server-rendered pages, as a
// worker, an organisation admin and a careless typist would take them.
// One server (demo data, fresh SQLite database) and one Chromium per file;
// a fresh browser context (no cookies) per test.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  DESKTOP,
  MOBILE,
  clickAndLoad,
  launchBrowser,
  logMark,
  pathOf,
  readCode,
  screenshot,
  startServer,
  withPage,
} from '../harness.mjs';

let server;
let browser;

before(async () => {
  server = await startServer({ label: 'journeys-server' });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const TEST_TIMEOUT = 90_000;

/** Signs in by phone and one-time code from the sign-in page; ends on /account. */
async function signInWithCode(page, phone, { shot } = {}) {
  if (pathOf(page) !== '/sign-in') await page.goto('/sign-in');
  if (shot) await screenshot(page, shot);
  await page.getByTestId('phone').fill(phone);
  const mark = logMark(server);
  await clickAndLoad(page, page.getByTestId('send-code'));
  await page.getByTestId('code-sent').waitFor();
  assert.match(await page.getByTestId('code-sent').innerText(), new RegExp(`${phone.slice(0, 3)}\\*{4}${phone.slice(7)}`));
  const code = await readCode(server, phone, { since: mark });
  await page.getByTestId('code').fill(code);
  await clickAndLoad(page, page.getByTestId('verify'));
  assert.equal(pathOf(page), '/account');
}

async function htmlLang(page) {
  return page.locator('html').getAttribute('lang');
}

test('a worker signs in with a code, switches to English and back', { timeout: TEST_TIMEOUT }, async () => {
  await withPage(browser, { viewport: MOBILE, baseURL: server.baseURL, name: 'worker' }, async (page) => {
    await page.goto('/');
    assert.equal(await htmlLang(page), 'zh-CN');
    await clickAndLoad(page, page.locator('header [data-nav="sign-in"]'));
    assert.equal(pathOf(page), '/sign-in');
    await page.getByRole('heading', { level: 1, name: '登录' }).waitFor();

    await signInWithCode(page, '13800000007', { shot: 'sign-in' });

    await page.getByRole('heading', { level: 1, name: '我的账户' }).waitFor();
    assert.equal(await htmlLang(page), 'zh-CN');
    assert.equal(await page.getByTestId('my-phone').innerText(), '13800000007');
    assert.equal(await page.getByTestId('my-name').inputValue(), '赵磊');
    assert.match(await page.getByTestId('my-roles').innerText(), /职工/);
    // A worker is not staff: no console in the navigation.
    assert.equal(await page.locator('header [data-nav="console"]').count(), 0);
    assert.equal(await page.locator('header [data-nav="account"]').innerText(), '赵磊');
    await screenshot(page, 'account');

    // Typing the console's address does not get a worker in either.
    const refused = await page.goto('/console');
    assert.equal(refused.status(), 403);
    assert.equal(await page.locator('[data-testid="org-tree"]').count(), 0);
    await page.goto('/account');

    // To English: the same page comes back, in English.
    const langSwitch = page.getByTestId('lang-switch');
    assert.equal(await langSwitch.innerText(), 'English');
    await clickAndLoad(page, langSwitch);
    assert.equal(pathOf(page), '/account');
    await page.getByRole('heading', { level: 1, name: 'My account' }).waitFor();
    assert.equal(await htmlLang(page), 'en');
    assert.match(await page.getByTestId('my-roles').innerText(), /Worker/);

    // The choice is remembered on another page.
    await page.goto('/');
    assert.equal(await htmlLang(page), 'en');
    await page.getByRole('heading', { level: 1, name: 'Waystation' }).waitFor();
    assert.equal(await page.getByTestId('lang-switch').innerText(), '中文');
    assert.equal(await page.locator('header [data-nav="console"]').count(), 0);

    // And back to Chinese.
    await clickAndLoad(page, page.getByTestId('lang-switch'));
    assert.equal(pathOf(page), '/');
    assert.equal(await htmlLang(page), 'zh-CN');
    await page.getByRole('heading', { level: 1, name: '职工驿站' }).waitFor();
    assert.equal(await page.getByTestId('lang-switch').innerText(), 'English');
  });
});

test('an organisation admin signs in and manages the tree in the console', { timeout: TEST_TIMEOUT }, async () => {
  await withPage(browser, { viewport: DESKTOP, baseURL: server.baseURL, name: 'org-admin' }, async (page) => {
    await signInWithCode(page, '13800000002');
    assert.equal(await page.getByTestId('my-name').inputValue(), '陈静');
    assert.match(await page.getByTestId('my-roles').innerText(), /组织管理员\s*重庆市总工会/);

    // The console, through the navigation.
    const consoleLink = page.locator('header [data-nav="console"]');
    assert.equal(await consoleLink.innerText(), '管理后台');
    await clickAndLoad(page, consoleLink);
    assert.equal(pathOf(page), '/console');
    await page.getByRole('heading', { level: 1, name: '管理后台' }).waitFor();
    assert.equal(await page.locator('header [data-nav="console"]').getAttribute('aria-current'), 'page');

    const tree = page.locator('ul[data-testid="org-tree"]');
    const treeText = await tree.innerText();
    assert.match(treeText, /重庆市总工会/);
    assert.match(treeText, /渝中区总工会/);
    // Outside the admin's scope.
    assert.doesNotMatch(treeText, /福建省总工会/);
    assert.doesNotMatch(treeText, /中华全国总工会/);
    for (const href of await tree.locator('a').evaluateAll((links) => links.map((a) => a.getAttribute('href')))) {
      assert.match(href, /^\/console\/orgs\/\d+$/);
    }
    await screenshot(page, 'console');

    // Into 渝中区总工会.
    await clickAndLoad(page, tree.getByRole('link', { name: '渝中区总工会', exact: true }));
    assert.match(pathOf(page), /^\/console\/orgs\/\d+$/);
    assert.equal(await page.getByTestId('org-name').innerText(), '渝中区总工会');
    const districtPath = pathOf(page);

    // Add a street union below it.
    const addChild = page.getByTestId('add-child');
    await addChild.locator('select[name="kind"]').selectOption('street');
    await addChild.locator('input[name="name"]').fill('化龙桥街道工会');
    await clickAndLoad(page, addChild.locator('button[type="submit"]'));
    assert.match(pathOf(page), /^\/console\/orgs\/\d+$/);
    assert.notEqual(pathOf(page), districtPath, 'lands on the new organisation, not its parent');
    assert.equal(new URL(page.url()).searchParams.get('done'), 'created');
    const created = page.locator('p.notice[role="status"]');
    assert.equal(await created.innerText(), '已创建。');
    assert.equal(await page.locator('p.notice-error').count(), 0);
    assert.equal(await page.getByTestId('org-name').innerText(), '化龙桥街道工会');
    assert.match(await page.locator('nav.crumbs').innerText(), /重庆市总工会 › 渝中区总工会/);
    assert.match(await page.locator('main').innerText(), /街道（乡镇）工会/);
    const streetPath = pathOf(page);

    // Grant a case handler on the new organisation.
    const grantForm = page.getByTestId('grant-form');
    await grantForm.locator('input[name="phone"]').fill('13900000001');
    await grantForm.locator('input[name="name"]').fill('测试');
    await grantForm.locator('select[name="role"]').selectOption('case_handler');
    await clickAndLoad(page, grantForm.locator('button[type="submit"]'));
    assert.equal(pathOf(page), streetPath);
    assert.equal(await page.locator('p.notice[role="status"]').innerText(), '已授予角色。');
    const grants = page.getByTestId('grants');
    const row = grants.locator('tbody tr', { hasText: '139****0001' });
    assert.equal(await row.count(), 1);
    const cells = await row.locator('td').allInnerTexts();
    assert.deepEqual(cells.slice(0, 4).map((c) => c.trim()), ['测试', '139****0001', '诉求办理人', '化龙桥街道工会']);
    // The full number is never shown to the console.
    assert.doesNotMatch(await grants.innerText(), /13900000001/);
    await screenshot(page, 'console-org');

    // The new organisation is in the tree too.
    await clickAndLoad(page, page.locator('header [data-nav="console"]'));
    assert.match(await page.locator('ul[data-testid="org-tree"]').innerText(), /化龙桥街道工会/);

    // The console works in English as well.
    await clickAndLoad(page, page.getByTestId('lang-switch'));
    assert.equal(pathOf(page), '/console');
    assert.equal(await htmlLang(page), 'en');
    assert.equal(await page.locator('header [data-nav="console"]').innerText(), 'Console');
    await page.getByRole('heading', { level: 1, name: 'Console' }).waitFor();
    const treeEn = await page.locator('ul[data-testid="org-tree"]').innerText();
    assert.match(treeEn, /渝中区总工会/);
    assert.match(treeEn, /Street or town union/);
    await screenshot(page, 'console-en');

    await page.goto(streetPath);
    assert.equal(await htmlLang(page), 'en');
    await page.getByRole('heading', { name: 'People and roles' }).waitFor();
    assert.match(await page.getByTestId('grants').innerText(), /Case handler/);
  });
});

test('staff sign in with a password', { timeout: TEST_TIMEOUT }, async () => {
  await withPage(browser, { viewport: MOBILE, baseURL: server.baseURL, name: 'staff-password' }, async (page) => {
    await page.goto('/sign-in');
    const details = page.locator('details.staff');
    assert.equal(await details.evaluate((d) => d.open), false);
    assert.equal(await page.getByTestId('staff-password').isVisible(), false);
    await details.locator('summary').click();
    await page.getByTestId('staff-password').waitFor();

    await page.getByTestId('staff-phone').fill('13800000002');
    await page.getByTestId('staff-password').fill('waystation-demo');
    await clickAndLoad(page, page.getByTestId('password-sign-in'));
    assert.equal(pathOf(page), '/account');
    await page.getByRole('heading', { level: 1, name: '我的账户' }).waitFor();
    assert.equal(await page.getByTestId('my-phone').innerText(), '13800000002');
    assert.equal(await page.locator('header [data-nav="console"]').count(), 1);

    // Sign out, then a wrong password is refused.
    await clickAndLoad(page, page.getByTestId('sign-out'));
    assert.equal(pathOf(page), '/');
    assert.equal(await page.locator('header [data-nav="account"]').count(), 0);

    await page.goto('/sign-in');
    await page.locator('details.staff summary').click();
    await page.getByTestId('staff-phone').fill('13800000002');
    await page.getByTestId('staff-password').fill('not-the-password');
    await clickAndLoad(page, page.getByTestId('password-sign-in'));
    assert.match(pathOf(page), /^\/sign-in/);
    const alert = page.locator('p.notice-error[role="alert"]');
    assert.equal(await alert.innerText(), '手机号或密码不正确。');
    await page.getByRole('heading', { level: 1, name: '登录' }).waitFor();
    assert.equal(await page.locator('header [data-nav="account"]').count(), 0);

    // Still signed out: the account page sends us to sign in first.
    await page.goto('/account');
    assert.equal(pathOf(page), '/sign-in');
    assert.equal(new URL(page.url()).searchParams.get('next'), '/account');
    await page.getByTestId('phone').waitFor();
  });
});

test('bad input is refused with a clear message', { timeout: TEST_TIMEOUT }, async () => {
  await withPage(browser, { viewport: MOBILE, baseURL: server.baseURL, name: 'bad-input' }, async (page) => {
    // Not a mobile number: refused, still on the phone step, the typing kept.
    await page.goto('/sign-in');
    await page.getByTestId('phone').fill('12345');
    await clickAndLoad(page, page.getByTestId('send-code'));
    const alert = page.locator('p.notice-error[role="alert"]');
    assert.equal(await alert.innerText(), '请输入 11 位中国大陆手机号，如 138 0013 8000。');
    assert.equal(await page.getByTestId('code-sent').count(), 0);
    assert.equal(await page.getByTestId('code').count(), 0);
    assert.equal(await page.getByTestId('phone').inputValue(), '12345');

    // A real number, then a wrong code: refused, still on the code step.
    const phone = '13800000006';
    await page.getByTestId('phone').fill(phone);
    const mark = logMark(server);
    await clickAndLoad(page, page.getByTestId('send-code'));
    await page.getByTestId('code-sent').waitFor();
    const real = await readCode(server, phone, { since: mark });
    const wrong = real === '000000' ? '000001' : '000000';
    await page.getByTestId('code').fill(wrong);
    await clickAndLoad(page, page.getByTestId('verify'));
    assert.match(pathOf(page), /^\/sign-in/);
    assert.equal(await page.locator('p.notice-error[role="alert"]').innerText(), '验证码不正确。');
    await page.getByTestId('code-sent').waitFor();
    assert.equal(await page.locator('header [data-nav="account"]').count(), 0);

    // The right code still works afterwards.
    await page.getByTestId('code').fill(real);
    await clickAndLoad(page, page.getByTestId('verify'));
    assert.equal(pathOf(page), '/account');
    assert.equal(await page.getByTestId('my-phone').innerText(), phone);
  });
});
