#!/usr/bin/env node
/**
 * Starts JupyterLab with scripts/run-jupyterlab.sh (in folders of its own: its
 * JUPYTER_CONFIG_DIR, runtime folder, working folder and service data are fresh
 * temporary ones, so nothing reaches ~/.jupyter), drives Debian's Chromium with
 * Playwright, and saves the Mooring panel in each of its states, in the light and
 * dark themes, 250 and 500 px wide, as docs/images/panel-<state>-<theme>-<width>.png:
 *
 *   answer           connected, the answer to "Fix this error" with its code toolbar
 *   math-copy        an answer of a real (local, OpenAI-format) model: typeset math, "Copied"
 *   history          this notebook's conversations, one renamed, the All notebooks switch
 *   model            the Model section: the picker, the provider form, a wrong key refused in words
 *   offline          the browser offline mid-answer: disconnected, the countdown, the answer paused
 *   starting         the service starting again after a crash: "Starting the chat service…"
 *   interrupted      the answer cut by that crash, with Retry
 *
 * The service is disturbed for real: SIGKILL (a crash), then SIGSTOP of the new process
 * while it starts, so that the proxy's "starting" lasts for the pictures.
 *
 *   node ui-tests/screenshots.mjs            # builds first (the run script does)
 *   MOORING_SKIP_BUILD=1 node ui-tests/screenshots.mjs
 *
 * Environment: CHROMIUM (default /usr/bin/chromium), JUPYTER_PORT (default 8899),
 * SCREENSHOT_DIR (default docs/images), VERBOSE=1 (JupyterLab's output).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';

import { RecordingModelServer } from './e2e/model-server.mjs';
import { MooringPage, selectors } from './mooring-page.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const outDir = resolve(process.env.SCREENSHOT_DIR ?? join(root, 'docs', 'images'));
const port = Number(process.env.JUPYTER_PORT ?? 8899);
const baseUrl = `http://127.0.0.1:${port}/`;
const token = 'mooring-screenshots';
const THEMES = { light: 'JupyterLab Light', dark: 'JupyterLab Dark' };
const WIDTHS = [250, 500];
const MODEL_KEY = 'sk-local-model-server-2024';
mkdirSync(outDir, { recursive: true });

const log = (...a) => console.log('[screenshots]', ...a);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Start scripts/run-jupyterlab.sh in its own process group and folders; resolves once Jupyter listens. */
async function startLab(home, { skipBuild }) {
  // The page drives JupyterLab's commands (the theme); no news prompt covers the panel.
  mkdirSync(join(home, 'jupyter-config'), { recursive: true });
  writeFileSync(
    join(home, 'jupyter-config', 'jupyter_server_config.json'),
    JSON.stringify({ LabApp: { expose_app_in_browser: true, news_url: null } })
  );
  const env = {
    ...process.env,
    JUPYTER_TOKEN: token,
    JUPYTER_PORT: String(port),
    JUPYTER_CONFIG_DIR: join(home, 'jupyter-config'),
    JUPYTER_RUNTIME_DIR: join(home, 'jupyter-runtime'),
    MOORING_WORKDIR: join(home, 'work'),
    MOORING_DATA_DIR: join(home, 'data'),
    CHAT_DEMO_TOKENS_PER_SECOND: '6',
    ...(skipBuild ? { MOORING_SKIP_BUILD: '1' } : {})
  };
  const child = spawn('bash', [join(root, 'scripts', 'run-jupyterlab.sh')], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines = [];
  const onData = (buf) => {
    for (const line of buf.toString().split('\n').filter((l) => l.trim())) {
      lines.push(line);
      if (process.env.VERBOSE) console.log('  lab|', line);
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const deadline = Date.now() + 15 * 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error('run-jupyterlab.sh exited:\n' + lines.slice(-30).join('\n'));
    if (lines.some((l) => l.includes('Jupyter Server') && l.includes('is running at'))) return child;
    await sleep(250);
  }
  throw new Error('JupyterLab did not start in time');
}

async function stopLab(child) {
  if (!child || child.exitCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    return;
  }
  await Promise.race([once(child, 'exit'), sleep(30_000)]);
  if (child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
}

/** Jupyter's own view of the service, or a REST call through its proxy (`api/...`). */
async function lab(path, init = {}) {
  const r = await fetch(new URL(path, baseUrl), {
    ...init,
    headers: { Authorization: `token ${token}`, 'Content-Type': 'application/json', ...init.headers }
  });
  return { status: r.status, body: r.status === 204 ? undefined : await r.json().catch(() => undefined) };
}

async function until(what, fn, timeout = 180_000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await fn().catch(() => undefined);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

const home = mkdtempSync(join(tmpdir(), 'mooring-screenshots-'));
const model = await new RecordingModelServer({
  reply: [
    'A circle of radius $r$ has the area $A = \\pi r^2$, so for $r = 2$:\n\n',
    '$$A = \\pi \\cdot 2^2 \\approx 12.57$$\n\n',
    '```python\nimport math\n\nprint(round(math.pi * 2 ** 2, 2))\n```\n'
  ],
  models: ['local-model'],
  apiKey: MODEL_KEY
}).listen();
let child;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
});
let stopped;
try {
  child = await startLab(home, { skipBuild: process.env.MOORING_SKIP_BUILD === '1' });
  await until('the chat service', async () => (await lab('mooring/api/conversations')).status === 200);
  const context = await browser.newContext({ viewport: { width: 1280, height: 760 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseUrl.replace(/\/$/, '') });
  const page = await context.newPage();
  page.on('pageerror', (e) => log('page error:', e.message));
  const mooring = new MooringPage(page, { baseUrl, token });
  const panel = page.locator('[data-testid="mooring-sidebar"]');
  const click = (selector) => page.locator(selector).first().click();

  /** The panel, in every width, as panel-<state>-<theme>-<width>.png; `before` runs before each picture. */
  const shoot = async (state, theme, before = async () => {}) => {
    await mooring.dismissNotifications();
    await mooring.closeDialogs();
    for (const width of WIDTHS) {
      // A dialog JupyterLab opens meanwhile (offline: "Server Connection Error") can catch the drag: again.
      for (let tries = 0; Math.abs((await panel.boundingBox()).width - width) > 12; tries++) {
        if (tries === 3) throw new Error(`the panel did not become ${width} px wide`);
        await mooring.closeDialogs();
        await mooring.setPanelWidth(width);
        await sleep(300);
      }
      await before();
      await sleep(400); // let the panel lay itself out and the last frame paint
      const path = join(outDir, `panel-${state}-${theme}-${width}.png`);
      await panel.screenshot({ path });
      log('saved', path);
    }
  };
  const useTheme = async (name) => {
    await page.evaluate((theme) => window.jupyterapp.commands.execute('apputils:change-theme', { theme }), THEMES[name]);
    await page.waitForFunction((theme) => document.body.dataset.jpThemeName === theme, THEMES[name]);
    await sleep(500);
  };
  const openConversation = async (id) => {
    await click(selectors.toggleConversations);
    await click(selectors.historyAll);
    await page.locator(`${selectors.conversation}[data-conversation-id="${id}"] button`).first().click();
    await mooring.waitForAnswer(['done', 'interrupted'], { timeout: 30_000 });
  };
  const conversationOfLastAnswer = () =>
    page.evaluate(() => document.querySelector('[data-testid="mooring-messages"]').dataset.conversationId);

  await mooring.openNotebook('example.ipynb');
  await mooring.openPanel();
  await mooring.waitForConnection('connected');

  // The conversations every theme shows again: a fixed error, a real model's answer, a crashed one.
  await mooring.cellContextCommand(2, 'Fix this error');
  await mooring.waitForAnswer('done', { timeout: 120_000 });
  const fixed = await conversationOfLastAnswer();

  await lab('mooring/api/model', { method: 'PUT', body: JSON.stringify({ provider: 'openai', baseUrl: model.baseUrl, apiKey: MODEL_KEY }) });
  await click(selectors.newConversation);
  await mooring.ask('What is the area of a circle of radius 2?');
  await mooring.waitForAnswer('done', { timeout: 60_000 });
  const math = await conversationOfLastAnswer();
  await lab(`mooring/api/conversations/${math}`, { method: 'PATCH', body: JSON.stringify({ title: 'Circle area (local model)' }) });
  await lab('mooring/api/model', { method: 'DELETE' });
  await mooring.waitForConnection('connected');

  for (const theme of Object.keys(THEMES)) {
    await useTheme(theme);

    await openConversation(fixed);
    await shoot('answer', theme);

    await openConversation(math);
    await shoot('math-copy', theme, () => page.locator(selectors.copyCode).first().click());

    await click(selectors.toggleConversations);
    await click(selectors.historyNotebook);
    await shoot('history', theme);
    await click(selectors.toggleConversations);

    await click(selectors.toggleModel);
    await page.locator(`${selectors.modelPanel} details`).evaluate((details) => (details.open = true));
    await page.locator(selectors.modelProvider).selectOption('openai');
    await page.locator(selectors.modelBaseUrl).fill(model.baseUrl);
    await page.locator(selectors.modelApiKey).fill('sk-not-the-right-key');
    await click(selectors.modelSave);
    // The refusal of this theme's attempt (the section keeps the last one meanwhile).
    await page.locator('[data-testid="mooring-model-saving"]').waitFor({ state: 'detached', timeout: 60_000 });
    await page.locator(selectors.modelError).waitFor();
    await shoot('model', theme);
    await click(selectors.toggleModel);

    await click(selectors.newConversation);
    await mooring.ask('Explain list comprehensions with a short example.');
    await mooring.waitForAnswer('streaming', { minLength: 60, timeout: 120_000 });
    await context.setOffline(true);
    await mooring.waitForConnection('disconnected', { timeout: 10_000 });
    await shoot('offline', theme);
    await context.setOffline(false);
    await mooring.waitForConnection('connected', { timeout: 60_000 });
    await mooring.waitForAnswer('done', { timeout: 60_000 });

    // A crash mid-answer; the new process is held while it starts.
    await mooring.ask('Why does an answer outlive a crash?');
    await mooring.waitForAnswer('streaming', { minLength: 60, timeout: 120_000 });
    const before = (await lab('mooring/status')).body;
    process.kill(before.pid, 'SIGKILL');
    const next = await until('the new service process', async () => {
      const s = (await lab('mooring/status')).body;
      return s.pid && s.pid !== before.pid && s;
    });
    process.kill(next.pid, 'SIGSTOP');
    stopped = next.pid;
    await page.waitForFunction(
      (sel) => ['starting', 'restarting'].includes(document.querySelector(sel)?.getAttribute('data-service')),
      selectors.status,
      { timeout: 60_000 }
    );
    await shoot('starting', theme);
    process.kill(stopped, 'SIGCONT');
    stopped = undefined;
    await mooring.waitForConnection('connected', { timeout: 180_000 });
    await mooring.waitForAnswer('interrupted', { timeout: 60_000 });
    await shoot('interrupted', theme);
  }
  await useTheme('light');
  log('done');
} catch (err) {
  const page = browser.contexts()[0]?.pages()[0];
  await page?.screenshot({ path: join(tmpdir(), 'mooring-screenshots-failure.png') }).catch(() => {});
  log('failed; the page as it was:', join(tmpdir(), 'mooring-screenshots-failure.png'));
  throw err;
} finally {
  if (stopped) process.kill(stopped, 'SIGCONT');
  await browser.close();
  await stopLab(child);
  await model.close();
  rmSync(home, { recursive: true, force: true });
}
