// Where the end-to-end tests find what they run, from the environment that
// scripts/test-e2e.sh sets (see the top of that script); the defaults let
// `npx playwright test -c ui-tests` run from frontend-extension/ after a build.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '..', '..', '..');

// The config is loaded by the runner and again by every worker: the first one
// makes the folder and the workers inherit its name through the environment.
if (!process.env.E2E_WORK_DIR) {
  process.env.E2E_WORK_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'mooring-e2e-'));
}

export const env = {
  /** This run's temporary folder: one folder per worker, stand-alone services, test results. */
  workDir: process.env.E2E_WORK_DIR,
  jar: process.env.E2E_SERVICE_JAR ?? path.join(repoRoot, 'target', 'quarkus-app', 'quarkus-run.jar'),
  venv: process.env.MOORING_VENV ?? path.join(repoRoot, 'frontend-extension', '.venv'),
  screenshots: process.env.E2E_SCREENSHOTS ?? path.join(repoRoot, 'docs', 'images'),
  chromium: process.env.E2E_CHROMIUM ?? '/usr/bin/chromium',
  /** The services' heartbeat timeout (CHAT_HEARTBEAT_TIMEOUT); the interval is 1 s. */
  heartbeatTimeoutMs: 3000,
  /** The demo model's pace and length in the JupyterLab-supervised service. */
  demoTokensPerSecond: process.env.E2E_TOKENS_PER_SECOND ?? '10',
  demoReplyTokens: process.env.E2E_REPLY_TOKENS ?? '80'
};

/** The environment a chat service of these tests runs with (heartbeats shortened to fit a test). */
export function serviceTimings() {
  return {
    CHAT_HEARTBEAT_INTERVAL: '1s',
    CHAT_HEARTBEAT_TIMEOUT: `${env.heartbeatTimeoutMs / 1000}s`
  };
}
