// The end-to-end tests' `test`: Galata's (a JupyterLab `page` with its helpers,
// in-memory settings and layout, a server folder `tmpPath` per test) extended with
// Mooring's fixtures:
//   jupyterLab   (worker) a JupyterLab server of the worker's own, whose server extension
//                runs the chat service; started once per worker, so one scenario killing
//                that service cannot disturb another worker's
//   chatModel    (worker option) 'demo', or 'recorder': the supervised service talks to
//                `modelServer` with the openai provider
//   modelServer  (worker) a local OpenAI-compatible server that records each prompt
//   direct       a stand-alone service behind a fault proxy (one per worker, started by
//                the first test that asks for it), back to running and forwarding
//                before every test
//   defaultTimings the same with the service's default heartbeats (15 s / 45 s)
//   panelSettings the panel's settings for the test (Galata's `mockSettings`)
//   mooring      the page with example.ipynb open and the Mooring panel shown; with the option
//                `chatFaults: true`, its chat sockets go through a ChatSocketFaults (mooring.faults)
//   openTab      opens another page on the same notebook with the panel shown, in the same
//                browser (another tab) or in a browser context of its own (another device)
import path from 'node:path';

import { galata, test as base } from '@jupyterlab/galata';

import { FaultProxy } from '../fault-proxy.mjs';
import { ChatSocketFaults } from './chat-faults.mjs';
import { env } from './env.mjs';
import { JupyterLabServer } from './jupyter-lab.mjs';
import { RecordingModelServer } from './model-server.mjs';
import { MooringLab, PLUGIN_ID } from './mooring-lab.mjs';
import { Service } from './service.mjs';

export { expect } from '@playwright/test';

const DIRECT_TOKEN = 'e2e-direct-token-0123456789';

/** What the recording model server answers, in the deltas it streams. */
export const RECORDED_REPLY = ['The cell prints ', 'a line, then ', 'shows 42.'];

export const test = base.extend({
  chatModel: ['demo', { scope: 'worker', option: true }],

  modelServer: [
    async ({}, use) => {
      const server = await new RecordingModelServer({ reply: RECORDED_REPLY }).listen();
      await use(server);
      await server.close();
    },
    { scope: 'worker' }
  ],

  jupyterLab: [
    async ({ chatModel, modelServer }, use, workerInfo) => {
      const serviceEnv =
        chatModel === 'recorder'
          ? { CHAT_MODEL_PROVIDER: 'openai', CHAT_MODEL_NAME: 'e2e-recorder', CHAT_MODEL_BASE_URL: modelServer.baseUrl }
          : {};
      const lab = new JupyterLabServer({ dir: workerDir(workerInfo), serviceEnv });
      try {
        await lab.start();
        await use(lab);
      } finally {
        await lab.stop();
      }
    },
    { scope: 'worker', timeout: 300000 }
  ],

  directService: [
    async ({ jupyterLab }, use, workerInfo) => {
      await standAlone('direct', jupyterLab, workerInfo, {}, use);
    },
    { scope: 'worker', timeout: 180000 }
  ],

  direct: async ({ directService }, use) => {
    await use(await readied(directService));
  },

  defaultTimingsService: [
    async ({ jupyterLab }, use, workerInfo) => {
      // The service's own heartbeat settings (15 s, 45 s), not the tests' short ones.
      await standAlone('default-timings', jupyterLab, workerInfo, { CHAT_HEARTBEAT_INTERVAL: '15s', CHAT_HEARTBEAT_TIMEOUT: '45s' }, use);
    },
    { scope: 'worker', timeout: 180000 }
  ],

  /** Like `direct`, with a service running the default heartbeats (15 s / 45 s). */
  defaultTimings: async ({ defaultTimingsService }, use) => {
    await use(await readied(defaultTimingsService));
  },

  panelSettings: [{}, { option: true }],

  chatFaults: [false, { option: true }],

  mockSettings: async ({ panelSettings }, use) => {
    await use({ ...galata.DEFAULT_SETTINGS, [PLUGIN_ID]: panelSettings });
  },

  baseURL: async ({ jupyterLab }, use) => {
    await use(jupyterLab.url);
  },

  // Galata's REST helpers (tmpPath, kernels and sessions clean-up) use `request`.
  request: async ({ playwright, jupyterLab }, use) => {
    const request = await playwright.request.newContext({ baseURL: jupyterLab.url, extraHTTPHeaders: jupyterLab.authorization });
    await use(request);
    await request.dispose();
  },

  // The `mooring` fixture loads JupyterLab itself, after it listens to the chat socket.
  autoGoto: [false, { option: true }],

  mooring: async ({ page, tmpPath, jupyterLab, chatFaults }, use) => {
    await jupyterLab.waitForService();
    const lab = new MooringLab(page, jupyterLab);
    if (chatFaults) {
      // routed before the page loads: only sockets of documents loaded afterwards go through the route
      lab.faults = new ChatSocketFaults(page);
      await lab.faults.install();
    }
    await jupyterLab.logIn(page.context());
    const notebook = `${tmpPath}/example.ipynb`;
    await page.contents.uploadFile(jupyterLab.exampleNotebook, notebook);
    await page.goto(`tree/${tmpPath}`);
    await lab.openNotebook(notebook);
    await lab.show();
    await use(lab);
  },

  openTab: async ({ mooring, browser, baseURL, mockSettings, tmpPath, jupyterLab, waitForApplication }, use) => {
    const opened = [];
    await use(async ({ device = false } = {}) => {
      const context = device ? await browser.newContext() : mooring.page.context();
      if (device) {
        opened.push(context);
        await jupyterLab.logIn(context);
      }
      const raw = await context.newPage();
      if (!device) opened.push(raw);
      const page = await galata.initTestPage('/lab', false, baseURL, true, mockSettings, true, false, raw, null, null, tmpPath, waitForApplication, null);
      const lab = new MooringLab(page, jupyterLab);
      await page.goto(`tree/${tmpPath}`);
      await lab.openNotebook(`${tmpPath}/example.ipynb`);
      await lab.show();
      return lab;
    });
    for (const each of opened) await each.close();
  }
});

/** A stand-alone service of this worker behind a fault proxy, for as long as `use` runs. */
async function standAlone(name, jupyterLab, workerInfo, timings, use) {
  const service = new Service({
    name,
    dir: workerDir(workerInfo),
    token: DIRECT_TOKEN,
    env: {
      CHAT_ALLOWED_ORIGINS: jupyterLab.url,
      CHAT_DEMO_TOKENS_PER_SECOND: '10',
      CHAT_DEMO_REPLY_TOKENS: '120',
      ...timings
    }
  });
  let proxy;
  try {
    await service.start();
    proxy = new FaultProxy({ targetPort: () => service.port });
    await proxy.listen();
    await use({ service, proxy });
  } finally {
    await proxy?.close();
    await service.stop();
  }
}

/** A stand-alone service back to running and forwarding, as a test sees it. */
async function readied({ service, proxy }) {
  proxy.restore();
  if (!service.running) await service.start();
  const upgradesAtStart = proxy.upgrades;
  return {
    service,
    proxy,
    /** WebSocket upgrade requests through the proxy since this test began (before its page loaded). */
    upgrades: () => proxy.upgrades - upgradesAtStart,
    /** The panel's settings for this service, reached through the proxy. */
    settings: (extra = {}) => ({ serviceUrl: `ws://127.0.0.1:${proxy.port}/api/chat`, token: DIRECT_TOKEN, ...extra })
  };
}

/** Shows what a scenario measured in the run's output (the summary reporter prints it). */
export function measured(values) {
  test.info().annotations.push({ type: 'measured', description: JSON.stringify(values) });
}

/** The folder of this worker's servers and logs, inside the run's folder. */
function workerDir(workerInfo) {
  return path.join(env.workDir, `worker-${workerInfo.workerIndex}`);
}
