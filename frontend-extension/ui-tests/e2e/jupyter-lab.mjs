// One JupyterLab server (with the Mooring server extension, which starts and
// supervises the chat service), configured the Galata way
// (../jupyter_server_test_config.py), on a free port and in a folder of its own.
// Unlike Galata's default it keeps Jupyter's login: a token of its own, which the
// browser trades for Jupyter's login cookie (logIn) as a person opening the printed
// URL does, and which the tests' own requests send in a header.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { env, repoRoot, serviceTimings } from './env.mjs';
import { GiveUp, pollUntil, startOnFreePort, stopChild } from './processes.mjs';

const serverConfig = fileURLToPath(new URL('../jupyter_server_test_config.py', import.meta.url));

export class JupyterLabServer {
  /** @param {{ dir: string, serviceEnv?: Record<string, string> }} options */
  constructor({ dir, serviceEnv = {} }) {
    this.dir = dir;
    this.root = path.join(dir, 'lab');
    this.log = path.join(dir, 'jupyterlab.log');
    /** The run command's example notebook (scripts/example-notebook.py), written at start. */
    this.exampleNotebook = path.join(dir, 'example.ipynb');
    this.serviceEnv = serviceEnv;
    this.token = randomBytes(24).toString('hex');
  }

  /** The header that authenticates a request of the tests themselves. */
  get authorization() {
    return { Authorization: `token ${this.token}` };
  }

  /** Logs a browser context in: Jupyter answers a token-authenticated request with its login cookie. */
  async logIn(context) {
    const r = await context.request.get(`${this.url}/api/status?token=${this.token}`);
    if (!r.ok()) throw new Error(`logging in to JupyterLab: HTTP ${r.status()}`);
  }

  /** Starts JupyterLab and waits until its supervisor reports the chat service running. */
  async start() {
    for (const sub of ['lab', 'data', 'jupyter-config', 'jupyter-runtime', 'workspaces', 'tmp']) {
      fs.mkdirSync(path.join(this.dir, sub), { recursive: true });
    }
    this.#writeExampleNotebook();
    await startOnFreePort(
      async (port) => {
        this.port = port;
        this.url = `http://127.0.0.1:${port}`;
        this.proc = this.#spawn();
        await this.waitForService({ timeout: 240000 });
      },
      (port) => fs.readFileSync(this.log, 'utf8').includes(`port ${port} is not available`)
    );
    const anonymous = await fetch(`${this.url}/mooring/status`);
    if (anonymous.status !== 403) throw new Error(`JupyterLab answers without a login (HTTP ${anonymous.status})`);
    return this;
  }

  #writeExampleNotebook() {
    const script = path.join(repoRoot, 'scripts', 'example-notebook.py');
    const result = spawnSync(path.join(env.venv, 'bin', 'python'), [script, this.exampleNotebook], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`example-notebook.py failed: ${result.stderr}`);
  }

  #spawn() {
    const { JUPYTER_TOKEN: _ignored, ...inherited } = process.env;
    const out = fs.openSync(this.log, 'a');
    const proc = spawn(
      path.join(env.venv, 'bin', 'jupyter'),
      [
        'lab',
        `--config=${serverConfig}`,
        '--allow-root',
        '--ip=127.0.0.1',
        `--port=${this.port}`,
        `--ServerApp.root_dir=${this.root}`,
        `--IdentityProvider.token=${this.token}`,
        `--LabApp.workspaces_dir=${path.join(this.dir, 'workspaces')}`
      ],
      {
        cwd: this.root,
        detached: true,
        stdio: ['ignore', out, out],
        env: {
          ...inherited,
          PATH: `${path.join(env.venv, 'bin')}:${process.env.PATH}`,
          TMPDIR: path.join(this.dir, 'tmp'),
          JUPYTER_CONFIG_DIR: path.join(this.dir, 'jupyter-config'),
          JUPYTER_RUNTIME_DIR: path.join(this.dir, 'jupyter-runtime'),
          MOORING_DATA_DIR: path.join(this.dir, 'data'),
          MOORING_SERVICE_JAR: env.jar,
          ...serviceTimings(),
          CHAT_DEMO_TOKENS_PER_SECOND: env.demoTokensPerSecond,
          CHAT_DEMO_REPLY_TOKENS: env.demoReplyTokens,
          ...this.serviceEnv
        }
      }
    );
    fs.closeSync(out);
    proc.once('error', (err) => (this.spawnError = err));
    return proc;
  }

  /**
   * Waits until the service answers through Jupyter's proxy (after a start, a crash or a
   * restart). The supervisor says `running` as soon as the process is there, which on a busy
   * machine is many seconds before the service listens.
   */
  async waitForService({ timeout = 120000 } = {}) {
    return pollUntil(
      async () => {
        if (this.spawnError) throw new GiveUp(`JupyterLab did not start: ${this.spawnError.message}`);
        if (this.proc.exitCode !== null) throw new GiveUp(`JupyterLab exited (${this.proc.exitCode}); see ${this.log}`);
        return (await this.status()).state === 'running' && (await this.api('conversations'));
      },
      { timeout, interval: 250, what: `the chat service under JupyterLab (log: ${this.log})` }
    );
  }

  /** What Jupyter's supervisor says about the service: {state, pid, port, starts, ...}. */
  async status() {
    return this.#get(`${this.url}/mooring/status`);
  }

  /** GET through Jupyter's proxy to the service: `<lab>/mooring/api/<p>`. */
  async api(p) {
    return this.#get(`${this.url}/mooring/api/${p}`);
  }

  /** PUT, PATCH or DELETE through Jupyter's proxy: `<lab>/mooring/api/<p>`, with a JSON body. */
  async send(method, p, body) {
    return this.#get(`${this.url}/mooring/api/${p}`, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } })
    });
  }

  async #get(url, init = {}) {
    const r = await fetch(url, { ...init, headers: { ...this.authorization, ...init.headers } });
    if (!r.ok) throw new Error(`${init.method ?? 'GET'} ${new URL(url).pathname}: HTTP ${r.status} ${await r.text()}`);
    return r.status === 204 ? undefined : r.json();
  }

  async stop() {
    await stopChild(this.proc, { graceMs: 30000, group: true });
  }
}
