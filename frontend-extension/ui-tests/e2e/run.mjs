// The end-to-end runner: one browser, one JupyterLab page, the specs of ./specs in
// order (file name order). Each spec module exports default
//   { name, settings?: object | (ctx) => object, timeout?: ms, run(ctx) }
// `settings` are the panel's settings the spec needs; the page is reloaded when they
// differ from the current ones. E2E_ONLY=3,4 runs only the specs whose file names
// start with those numbers. Prints one line per spec and, last, "N passed, M failed".
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { env, Lab, launchBrowser, saveSettings } from './lib.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const only = (process.env.E2E_ONLY ?? '')
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);
const files = fs
  .readdirSync(path.join(here, 'specs'))
  .filter((f) => /^\d+-.*\.mjs$/.test(f))
  .filter((f) => !only.length || only.some((o) => f.startsWith(o.padStart(2, '0'))))
  .sort();

let passed = 0;
let failed = 0;
const ctx = { cleanups: [] };
let currentSettings = '{}';

async function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function main() {
  ctx.browser = await launchBrowser();
  await saveSettings({});
  // No "get notified about Jupyter news?" toast over the panel.
  await saveSettings({ fetchNews: 'false' }, '@jupyterlab/apputils-extension:notification');
  ctx.lab = await Lab.open(ctx.browser);
  for (const file of files) {
    const spec = (await import(pathToFileURL(path.join(here, 'specs', file)).href)).default;
    const started = Date.now();
    try {
      if (spec.setup) await withTimeout(spec.setup(ctx), 120000, `${file} setup`);
      const wanted = JSON.stringify(typeof spec.settings === 'function' ? spec.settings(ctx) : spec.settings ?? {});
      if (wanted !== currentSettings || !ctx.lab.page || ctx.lab.page.isClosed()) {
        await saveSettings(JSON.parse(wanted));
        currentSettings = wanted;
        await ctx.lab.reload();
      }
      const info = await withTimeout(spec.run(ctx), spec.timeout ?? 120000, file);
      passed++;
      console.log(`ok   ${file}  ${spec.name}  (${((Date.now() - started) / 1000).toFixed(1)} s)`);
      if (info) console.log(`     ${JSON.stringify(info)}`);
    } catch (err) {
      failed++;
      console.log(`FAIL ${file}  ${spec.name}  (${((Date.now() - started) / 1000).toFixed(1)} s)`);
      console.log('     ' + String(err?.stack ?? err).split('\n').join('\n     '));
      try {
        console.log(`     screenshot: ${await ctx.lab.screenshot(`failed-${file.replace(/\.mjs$/, '')}`, env.workDir)}`);
      } catch {
        /* the page may be gone */
      }
    }
  }
}

try {
  await main();
} catch (err) {
  failed++;
  console.log(`FAIL setup: ${err?.stack ?? err}`);
} finally {
  for (const c of ctx.cleanups.reverse()) {
    try {
      await c();
    } catch (err) {
      console.log(`cleanup: ${err?.message ?? err}`);
    }
  }
  try {
    await saveSettings({});
  } catch {
    /* JupyterLab may be gone */
  }
  await ctx.browser?.close().catch(() => {});
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
