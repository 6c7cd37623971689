// A chat service the test starts itself (java -jar), beside the one JupyterLab
// supervises: the scenarios that break the network reach it through a fault proxy.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { env, serviceTimings } from './env.mjs';
import { GiveUp, pollUntil, startOnFreePort, stopChild } from './processes.mjs';

export class Service {
  /** @param {{ name: string, dir: string, token: string, env?: Record<string, string> }} options */
  constructor({ name, dir, token, env: extra = {} }) {
    this.name = name;
    this.token = token;
    this.extra = extra;
    this.dataDir = path.join(dir, `service-${name}`);
    this.log = path.join(dir, `service-${name}.log`);
    fs.mkdirSync(this.dataDir, { recursive: true });
  }

  get running() {
    return !!this.proc && this.proc.exitCode === null && this.proc.signalCode === null;
  }

  /** Starts it on a free port and waits until it is ready. */
  async start() {
    await startOnFreePort(
      (port) => this.#startOn(port),
      (port) => fs.readFileSync(this.log, 'utf8').includes(`Port ${port} seems to be in use`)
    );
    return this;
  }

  async #startOn(port) {
    this.port = port;
    const out = fs.openSync(this.log, 'a');
    const proc = spawn('java', ['-jar', env.jar], {
      env: {
        ...process.env,
        ...serviceTimings(),
        QUARKUS_HTTP_PORT: String(port),
        CHAT_TOKEN: this.token,
        CHAT_DATA_DIR: this.dataDir,
        ...this.extra
      },
      stdio: ['ignore', out, out]
    });
    fs.closeSync(out);
    let spawnError;
    proc.once('error', (err) => (spawnError = err));
    this.proc = proc;
    await pollUntil(
      async () => {
        if (spawnError) throw new GiveUp(`service ${this.name} did not start: ${spawnError.message}`);
        if (proc.exitCode !== null) throw new GiveUp(`service ${this.name} exited (${proc.exitCode}); see ${this.log}`);
        return (await fetch(`http://127.0.0.1:${port}/q/health/ready`)).ok;
      },
      { timeout: 120000, interval: 250, what: `service ${this.name} ready` }
    );
  }

  async stop(signal = 'SIGTERM') {
    await stopChild(this.proc, { signal });
  }

  /** GET /api/<p> with the service token. */
  async get(p) {
    const r = await fetch(`http://127.0.0.1:${this.port}/api/${p}`, { headers: { Authorization: `Bearer ${this.token}` } });
    if (!r.ok) throw new Error(`GET /api/${p}: HTTP ${r.status} ${await r.text()}`);
    return r.json();
  }
}
