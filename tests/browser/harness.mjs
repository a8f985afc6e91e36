// Shared plumbing for the browser journeys: a Waystation server on a free
// loopback port with a throwaway SQLite database, Debian's Chromium driven by
// playwright-core, sign-in codes read from the server log, and screenshots.

import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '..', '..');
export const outDir = path.join(here, 'out');

export const MOBILE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 900 };

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-quic',
  '--no-first-run',
  '--disable-sync',
];

/** A free TCP port on 127.0.0.1: listen on port 0, note the port, close. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

// Servers still running when this process exits are killed, so a crashed
// test run leaves nothing behind.
const running = new Set();
process.on('exit', () => {
  for (const child of running) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
});

/**
 * Starts `waystation serve --demo` on a fresh database and waits for
 * GET /healthz to answer 200. Returns { baseURL, log(), stop() }.
 */
export async function startServer({ label = 'server' } = {}) {
  const bin = process.env.WAYSTATION_BIN || path.join(repoRoot, 'target', 'debug', 'waystation');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'waystation-browser-'));
  const port = await freePort();
  const baseURL = `http://127.0.0.1:${port}`;
  const args = ['--database-url', `sqlite:${path.join(dir, 'ws.db')}`, 'serve', '--demo', '--listen', `127.0.0.1:${port}`];

  let output = '';
  const child = spawn(bin, args, {
    cwd: dir,
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let exited = null;
  let spawnError = null;
  const exitPromise = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      running.delete(child);
      resolve(exited);
    });
  });
  child.on('error', (error) => {
    spawnError = error;
  });
  child.stdout.setEncoding('utf8').on('data', (chunk) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk) => (output += chunk));

  const server = {
    baseURL,
    dir,
    log: () => output,
    async stop() {
      if (!exited && !spawnError) {
        child.kill('SIGTERM');
        const done = await Promise.race([exitPromise, sleep(5000).then(() => null)]);
        if (!done) {
          child.kill('SIGKILL');
          await exitPromise;
        }
      }
      try {
        mkdirSync(outDir, { recursive: true });
        writeFileSync(path.join(outDir, `${label}.log`), output);
      } catch {
        // the log copy is only a convenience
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };

  const deadline = Date.now() + 30_000;
  for (;;) {
    if (spawnError || exited) {
      await server.stop();
      if (spawnError) throw new Error(`could not start ${bin}: ${spawnError.message} (set WAYSTATION_BIN?)`);
      throw new Error(`waystation exited early (${JSON.stringify(exited)}):\n${output}`);
    }
    try {
      const response = await fetch(`${baseURL}/healthz`);
      if (response.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`waystation did not answer /healthz within 30 s:\n${output}`);
    }
    await sleep(100);
  }
  return server;
}

export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  });
}

/** How many characters of log there are now: pass it to `readCode` to skip older codes. */
export function logMark(server) {
  return server.log().length;
}

// Log lines carry no colours when not on a TTY; strip any anyway.
const ANSI = /\x1b\[[0-9;]*m/g;

/** The newest sign-in code issued for `phone` after `since`, polling up to `timeoutMs`. */
export async function readCode(server, phone, { since = 0, timeoutMs = 5000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const lines = server.log().slice(since).replace(ANSI, '').split('\n');
    for (let i = lines.length - 1; i >= 0; i--) {
      const line = lines[i];
      if (!line.includes('sign-in code issued')) continue;
      const match = line.match(/phone=(\d+)\s+code=(\d{6})\b/);
      if (match && match[1] === phone) return match[2];
    }
    if (Date.now() > deadline) {
      throw new Error(`no sign-in code for ${phone} in the server log within ${timeoutMs} ms`);
    }
    await sleep(100);
  }
}

/** A full-page screenshot into $WAYSTATION_SCREENSHOTS, when that is set. */
export async function screenshot(page, name) {
  const dir = process.env.WAYSTATION_SCREENSHOTS;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });
}

/**
 * Runs `body(page)` in a fresh browser context. On failure a screenshot goes
 * to tests/browser/out/ before the error is rethrown.
 */
export async function withPage(browser, { viewport, baseURL, name }, body) {
  const context = await browser.newContext({ viewport, baseURL, locale: 'zh-CN' });
  context.setDefaultTimeout(10_000);
  context.setDefaultNavigationTimeout(15_000);
  const page = await context.newPage();
  try {
    await body(page);
  } catch (error) {
    try {
      mkdirSync(outDir, { recursive: true });
      const file = path.join(outDir, `${name.replace(/[^a-z0-9]+/gi, '-')}-failure.png`);
      await page.screenshot({ path: file, fullPage: true });
      error.message += `\n(page was ${page.url()}; screenshot at ${file})`;
    } catch {
      // the page may be gone
    }
    throw error;
  } finally {
    await context.close();
  }
}

/** Clicks something that loads a new document and waits for it to load. */
export async function clickAndLoad(page, locator) {
  const navigation = page.waitForNavigation({ waitUntil: 'load' });
  await locator.click();
  await navigation;
}

/** The URL's path (without query) of the page. */
export function pathOf(page) {
  return new URL(page.url()).pathname;
}

/** Signs in as staff with a phone and password (the demo's is `waystation-demo`); ends on /account. */
export async function signInWithPassword(page, phone, password = 'waystation-demo') {
  await page.goto('/sign-in');
  await page.locator('details.staff summary').click();
  await page.getByTestId('staff-phone').fill(phone);
  await page.getByTestId('staff-password').fill(password);
  await clickAndLoad(page, page.getByTestId('password-sign-in'));
  if (pathOf(page) !== '/account') throw new Error(`signing in as ${phone} ended on ${page.url()}`);
}
