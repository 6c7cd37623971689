#!/usr/bin/env node
/**
 * Starts JupyterLab with scripts/run-jupyterlab.sh, drives Debian's Chromium with
 * Playwright, and saves screenshots of the Mooring panel's states to
 * docs/images/: connected with an answer, disconnected (countdown), reconnecting,
 * an interrupted answer, failed with Retry now. The service is disturbed for real:
 * SIGKILL (crash and restart), SIGSTOP (a hung service), and a Jupyter restart
 * with a new token (stale login).
 *
 *   node ui-tests/screenshots.mjs            # builds first (the run script does)
 *   MOORING_SKIP_BUILD=1 node ui-tests/screenshots.mjs
 *
 * Environment: CHROMIUM (default /usr/bin/chromium), JUPYTER_PORT (default 8899),
 * SCREENSHOT_DIR (default docs/images).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';

import { MooringPage } from './mooring-page.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const outDir = resolve(process.env.SCREENSHOT_DIR ?? join(root, 'docs', 'images'));
const port = Number(process.env.JUPYTER_PORT ?? 8899);
const baseUrl = `http://127.0.0.1:${port}/`;
mkdirSync(outDir, { recursive: true });

const log = (...a) => console.log('[screenshots]', ...a);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Start scripts/run-jupyterlab.sh in its own process group; resolves once Jupyter listens. */
async function startLab(token, { skipBuild }) {
  const env = {
    ...process.env,
    JUPYTER_TOKEN: token,
    JUPYTER_PORT: String(port),
    MOORING_WORKDIR: process.env.MOORING_WORKDIR ?? '/tmp/mooring-screenshots',
    MOORING_DATA_DIR: process.env.MOORING_DATA_DIR ?? '/tmp/mooring-screenshots-data',
    CHAT_DEMO_TOKENS_PER_SECOND: process.env.CHAT_DEMO_TOKENS_PER_SECOND ?? '6',
    ...(skipBuild ? { MOORING_SKIP_BUILD: '1' } : {})
  };
  const child = spawn('bash', [join(root, 'scripts', 'run-jupyterlab.sh')], {
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe']
  });
  const lines = [];
  const onData = (buf) => {
    for (const line of buf.toString().split('\n')) {
      if (line.trim()) {
        lines.push(line);
        if (process.env.VERBOSE) console.log('  lab|', line);
      }
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const deadline = Date.now() + 15 * 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error('run-jupyterlab.sh exited:\n' + lines.slice(-30).join('\n'));
    }
    if (lines.some((l) => l.includes('Jupyter Server') && l.includes('is running at'))) {
      return { child, lines };
    }
    await sleep(250);
  }
  throw new Error('JupyterLab did not start in time');
}

async function stopLab(lab) {
  if (lab.child.exitCode !== null) return;
  try {
    process.kill(-lab.child.pid, 'SIGTERM');
  } catch {
    return;
  }
  await Promise.race([once(lab.child, 'exit'), sleep(30_000)]);
  if (lab.child.exitCode === null) {
    process.kill(-lab.child.pid, 'SIGKILL');
  }
}

/** Wait until the service answers through the Jupyter proxy. */
async function waitForService(request, token, timeout = 180_000) {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    const res = await request
      .get(new URL('mooring/api/conversations', baseUrl).href, { headers: { Authorization: `token ${token}` } })
      .catch(() => undefined);
    if (res?.status() === 200) return;
    await sleep(500);
  }
  throw new Error('the chat service did not become ready');
}

async function shot(page, name) {
  const path = join(outDir, name);
  const helper = new MooringPage(page, { baseUrl, token: '' });
  await helper.dismissNotifications();
  await helper.closeDialogs();
  await sleep(300); // let the last frame paint
  await page.screenshot({ path });
  log('saved', path);
}

const token = 'mooring-screens-1';
let onFailure = async () => {};
let lab = await startLab(token, { skipBuild: process.env.MOORING_SKIP_BUILD === '1' });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking']
});
try {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  page.on('pageerror', (e) => log('page error:', e.message));
  page.on('console', (m) => process.env.VERBOSE && log('console:', m.text()));
  onFailure = async () => {
    await page.screenshot({ path: join(tmpdir(), 'mooring-screenshots-failure.png') }).catch(() => {});
    log('status line at failure:', await page.locator('[data-testid="mooring-status"]').textContent().catch(() => '?'));
  };
  const mooring = new MooringPage(page, { baseUrl, token });

  await waitForService(context.request, token);
  await mooring.openNotebook('example.ipynb');
  await mooring.openPanel();
  await mooring.setPanelWidth(440);
  await mooring.waitForConnection('connected');
  log('connected');

  if (process.env.ONLY_FAILED !== '1') {
  // 1. Connected, with an answer to "Fix this error" on the failing cell.
  await mooring.cellContextCommand(2, 'Fix this error');
  await mooring.waitForAnswer('done', { timeout: 90_000 });
  await shot(page, 'mooring-connected-answer.png');

  // 2. The service crashes mid-answer: disconnected with a countdown, the answer paused.
  await mooring.ask('Explain list comprehensions with a short example.');
  await mooring.waitForAnswer('streaming', { minLength: 60 });
  const { pid } = await mooring.serviceStatus();
  log('killing the service, pid', pid);
  process.kill(pid, 'SIGKILL');
  await mooring.waitForConnection('disconnected', { minAttempt: 1, timeout: 30_000 });
  await mooring.waitForAnswer('paused', { timeout: 10_000 });
  await shot(page, 'mooring-disconnected.png');

  // 3. Back after the restart: the answer that was running is interrupted, with Retry.
  await mooring.waitForConnection('connected', { timeout: 120_000 });
  await mooring.waitForAnswer('interrupted', { timeout: 60_000 });
  await shot(page, 'mooring-interrupted.png');

  // 4. A hung service (SIGSTOP): the heartbeat notices, an attempt stays under way.
  const hung = (await mooring.serviceStatus()).pid;
  log('stopping the service, pid', hung);
  process.kill(hung, 'SIGSTOP');
  try {
    await mooring.waitForConnection('reconnecting', { minAttempt: 1, timeout: 120_000 });
    await shot(page, 'mooring-reconnecting.png');
  } finally {
    process.kill(hung, 'SIGCONT');
  }
  await mooring.waitForConnection('connected', { timeout: 120_000 });
  }

  // 5. Jupyter restarts with a new token while the page's login is gone: failed, Retry now.
  // (Cookies go once the old server is down: until then its token-authenticated
  // replies would set the login cookie again, which the new server would accept.)
  log('restarting Jupyter with a new token');
  await stopLab(lab);
  await context.clearCookies();
  lab = await startLab('mooring-screens-2', { skipBuild: true });
  await mooring.waitForConnection('failed', { timeout: 180_000 });
  await shot(page, 'mooring-failed.png');
  log('done');
} catch (err) {
  await onFailure();
  throw err;
} finally {
  await browser.close();
  await stopLab(lab);
}
