// The end-to-end suite: Galata's Playwright configuration for JupyterLab, in
// Debian's Chromium (no browser is downloaded). Run it with scripts/test-e2e.sh,
// which builds what is missing and sets the environment (see there and e2e/env.mjs).
// JupyterLab is started by a worker fixture (e2e/fixtures.mjs), not by `webServer`:
// each worker needs one of its own, because scenarios kill its service or give it
// another model.
import path from 'node:path';

import galataConfig from '@jupyterlab/galata/lib/playwright-config.js';

import { env } from './e2e/env.mjs';

export default {
  ...galataConfig,
  testDir: 'e2e/specs',
  outputDir: path.join(env.workDir, 'test-results'),
  timeout: 180000,
  expect: { timeout: 30000 },
  forbidOnly: true,
  fullyParallel: false,
  retries: 0,
  workers: Number(process.env.E2E_WORKERS ?? 2),
  reporter: [
    ['list'],
    ['html', { outputFolder: path.join(env.workDir, 'report'), open: 'never' }],
    ['./e2e/summary-reporter.mjs']
  ],
  use: {
    ...galataConfig.use,
    browserName: 'chromium',
    headless: true,
    viewport: { width: 1440, height: 900 },
    launchOptions: {
      executablePath: env.chromium,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync'
      ]
    },
    // Videos need Playwright's own ffmpeg, which cannot be downloaded here. Traces keep
    // DOM snapshots but no screencast, which costs the shared CPU most.
    video: 'off',
    trace: { mode: 'retain-on-failure', screenshots: false },
    screenshot: 'only-on-failure'
  }
};
