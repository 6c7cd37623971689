// Shared helpers of the end-to-end specs: the JupyterLab under test, the browser,
// the Mooring panel, REST access, and a stand-alone chat service.
// The environment comes from scripts/test-e2e.sh (see there).
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { chromium } from 'playwright-core';

import { MooringPage, selectors } from '../mooring-page.mjs';

export const env = {
  labUrl: need('E2E_LAB_URL'), // http://127.0.0.1:PORT/ (ends with /)
  labToken: need('E2E_LAB_TOKEN'),
  jar: need('E2E_SERVICE_JAR'),
  workDir: need('E2E_WORK_DIR'), // temp folder for stand-alone services
  screenshots: process.env.E2E_SCREENSHOTS ?? path.resolve('docs/images'),
  heartbeatTimeoutMs: Number(process.env.E2E_HEARTBEAT_TIMEOUT_MS ?? 3000)
};

function need(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set (run scripts/test-e2e.sh)`);
  return v;
}

export const PLUGIN_ID = 'mooring-jupyterlab:plugin';

// ---- small utilities ----------------------------------------------------------

export function assert(cond, message) {
  if (!cond) throw new Error(message);
}

/** Polls `fn` (sync or async) until it returns a truthy value; throws after `timeout` ms. */
export async function until(fn, { timeout = 15000, interval = 100, what = 'condition' } = {}) {
  const end = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end) throw new Error(`timed out after ${timeout} ms waiting for ${what} (last: ${fmt(last)})`);
    await new Promise((r) => setTimeout(r, interval));
  }
}

const fmt = (v) => (v instanceof Error ? v.message : JSON.stringify(v)?.slice(0, 300));

export async function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// ---- REST ---------------------------------------------------------------------

/** GET through Jupyter's authenticated proxy: `<lab>/mooring/api/<p>`, or `<lab>/<p>` for `raw`. */
export async function labGet(p, { raw = false } = {}) {
  const url = new URL(raw ? p : `mooring/api/${p}`, env.labUrl);
  const r = await fetch(url, { headers: { Authorization: `token ${env.labToken}` } });
  if (!r.ok) throw new Error(`GET ${url.pathname}: HTTP ${r.status} ${await r.text()}`);
  return r.json();
}

/** What Jupyter's supervisor says about the service: {state, pid, port, starts, ...}. */
export const supervisorStatus = () => labGet('mooring/status', { raw: true });

/** Saves the panel's settings (takes effect on the next page load). */
export async function saveSettings(settings, plugin = PLUGIN_ID) {
  const url = new URL(`lab/api/settings/${plugin}`, env.labUrl);
  const r = await fetch(url, {
    method: 'PUT',
    headers: { Authorization: `token ${env.labToken}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ raw: JSON.stringify(settings) })
  });
  if (r.status !== 204 && !r.ok) throw new Error(`saving settings: HTTP ${r.status} ${await r.text()}`);
}

// ---- a stand-alone chat service ------------------------------------------------

export class Service {
  constructor({ name, env: extra = {}, port, token }) {
    this.name = name;
    this.extra = extra;
    this.port = port;
    this.token = token;
    this.dataDir = path.join(env.workDir, `service-${name}`);
    fs.mkdirSync(this.dataDir, { recursive: true });
    this.log = path.join(env.workDir, `service-${name}.log`);
  }

  async start() {
    this.port ??= await freePort();
    const out = fs.openSync(this.log, 'a');
    this.proc = spawn('java', ['-jar', env.jar], {
      env: {
        ...process.env,
        QUARKUS_HTTP_PORT: String(this.port),
        CHAT_TOKEN: this.token,
        CHAT_DATA_DIR: this.dataDir,
        ...this.extra
      },
      stdio: ['ignore', out, out]
    });
    const proc = this.proc;
    proc.exited = new Promise((resolve) => proc.once('exit', resolve));
    await until(
      async () => {
        if (proc.exitCode !== null) throw new Error(`service ${this.name} exited (${proc.exitCode}); see ${this.log}`);
        const r = await fetch(`http://127.0.0.1:${this.port}/q/health/ready`);
        return r.ok;
      },
      { timeout: 90000, interval: 250, what: `service ${this.name} ready` }
    );
    return this;
  }

  async stop(signal = 'SIGTERM') {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null || proc.signalCode) return;
    proc.kill(signal);
    const t = setTimeout(() => proc.kill('SIGKILL'), 20000);
    await proc.exited;
    clearTimeout(t);
  }

  async get(p) {
    const r = await fetch(`http://127.0.0.1:${this.port}/api/${p}`, { headers: { Authorization: `Bearer ${this.token}` } });
    if (!r.ok) throw new Error(`GET /api/${p}: HTTP ${r.status} ${await r.text()}`);
    return r.json();
  }
}

// ---- the browser and the panel -------------------------------------------------

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.E2E_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking']
  });
}

/**
 * The JupyterLab page with example.ipynb open and the Mooring panel shown.
 * `window.__mooring` is the extension's IMooringChat (its model), found through the
 * app exposed by `LabApp.expose_app_in_browser`.
 */
export class Lab extends MooringPage {
  constructor(page) {
    super(page, { baseUrl: env.labUrl, token: env.labToken });
    this.wsFrames = [];
    page.on('websocket', (ws) => {
      if (!ws.url().includes('/api/chat')) return;
      ws.on('framesent', (f) => this.wsFrames.push({ dir: 'out', url: ws.url(), payload: String(f.payload) }));
    });
  }

  static async open(browser) {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    const lab = new Lab(page);
    await lab.load();
    return lab;
  }

  async load() {
    const url = new URL(`lab/tree/example.ipynb?token=${env.labToken}`, env.labUrl).href;
    await this.page.goto(url, { waitUntil: 'domcontentloaded', timeout: 90000 });
    await this.page.waitForFunction(() => window.jupyterapp && window.jupyterapp.commands.hasCommand('mooring:open'), null, {
      timeout: 90000
    });
    await this.page.evaluate(async () => {
      const app = window.jupyterapp;
      await app.restored;
      const reg = app.pluginRegistry;
      const token = [...reg._services.keys()].find((t) => t.name === 'mooring-jupyterlab:IMooringChat');
      window.__mooring = await app.resolveRequiredService(token);
      await app.commands.execute('mooring:open');
    });
    await this.page.locator(selectors.cell).first().waitFor({ timeout: 60000 });
    await this.status.waitFor({ timeout: 30000 });
    await this.dismissDialogs();
  }

  async reload() {
    await this.load();
  }

  /** Closes a kernel-selection or other modal dialog when one shows. */
  async dismissDialogs() {
    const dialog = this.page.locator('.jp-Dialog');
    if (await dialog.count()) {
      await this.page.keyboard.press('Escape');
    }
  }

  /** Waits until the last answer shows at least `n` characters of text (model text). */
  async waitForText(n, timeout = 30000) {
    await this.page.waitForFunction(
      (n) => {
        const e = window.__mooring.model.entries.filter((x) => x.kind === 'answer').pop();
        return e && e.text.length >= n;
      },
      n,
      { timeout, polling: 50 }
    );
  }

  /** The panel model's last answer entry {status, text, completionId, error}. */
  async lastEntry() {
    return this.page.evaluate(() => {
      const e = window.__mooring.model.entries.filter((x) => x.kind === 'answer').pop();
      return e && { status: e.status, text: e.text, completionId: e.completionId, error: e.error };
    });
  }

  async conversationId() {
    return this.page.evaluate(() => window.__mooring.model.activeConversationId);
  }

  async newConversation() {
    await this.page.locator(selectors.newConversation).click();
    await this.page.getByTestId('mooring-empty').waitFor();
  }

  async command(id, args = {}) {
    await this.page.evaluate(([id, args]) => window.jupyterapp.commands.execute(id, args), [id, args]);
  }

  /** Makes cell `index` of the open notebook the active one. */
  async selectCell(index) {
    await this.page.evaluate((index) => {
      const nb = window.jupyterapp.shell.currentWidget?.content;
      nb.activeCellIndex = index;
    }, index);
  }

  /** Samples the status line and the last answer's status on every DOM change (since the call). */
  async startRecording() {
    await this.page.evaluate(() => {
      const seen = (window.__e2eSeen = []);
      const note = () => {
        const s = document.querySelector('[data-testid="mooring-status"]')?.getAttribute('data-state');
        const all = document.querySelectorAll('[data-testid="mooring-answer"]');
        const a = all[all.length - 1]?.getAttribute('data-status');
        const last = seen[seen.length - 1];
        if (!last || last.s !== s || last.a !== a) seen.push({ t: Date.now(), s, a });
      };
      note();
      window.__e2eObserver?.disconnect();
      window.__e2eObserver = new MutationObserver(note);
      window.__e2eObserver.observe(document.querySelector('[data-testid="mooring-panel"]'), {
        subtree: true,
        attributes: true,
        childList: true
      });
    });
  }

  async recorded() {
    return this.page.evaluate(() => window.__e2eSeen ?? []);
  }

  async screenshot(name, dir = env.screenshots) {
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `e2e-${name}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }
}

/** The pid of the supervised service, from Jupyter's status route. */
export async function supervisedPid() {
  const s = await supervisorStatus();
  return s.pid;
}

export function processAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export { execFileSync };
