// 7. A wrong token: the panel ends `failed` with a clear reason (the service refused
// the token), and makes no retry loop (the proxy counts the WebSocket upgrades).
import { selectors } from '../../mooring-page.mjs';
import { env } from '../env.mjs';
import { expect, measured, test } from '../fixtures.mjs';

test.use({ panelSettings: async ({ direct }, use) => use(direct.settings({ token: 'not-the-token', retryBudgetMs: 120000 })) });

test('wrong token: failed with a clear reason, no retry loop', async ({ mooring, direct }) => {
  const { page } = mooring;
  const { proxy } = direct;
  const reached = await mooring
    .waitForConnection('failed', { timeout: 20000 })
    .then(() => true)
    .catch(() => false);
  const upgrades = direct.upgrades();
  const detail = await page.locator(selectors.status).innerText();
  await mooring.screenshot('wrong-token');
  expect(reached, `failed within 20 s: status "${detail.replace(/\s+/g, ' ')}", ${upgrades} upgrade attempts`).toBe(true);
  expect(detail, 'the reason names the token').toMatch(/token/i);
  expect(detail, 'the reason says the service refused it').toMatch(/401|refused/i);
  // No retry loop: still failed, no new upgrade, over more than a heartbeat timeout.
  const at = proxy.upgrades;
  await page.waitForTimeout(env.heartbeatTimeoutMs + 1000); // an observation window, not a synchronisation
  expect(await mooring.connectionState(), 'failed holds by itself').toBe('failed');
  expect(proxy.upgrades - at, 'upgrade attempts after failed').toBe(0);
  expect(upgrades, 'upgrade attempts before failed').toBeLessThanOrEqual(2);
  measured({ upgrades, detail });
});
