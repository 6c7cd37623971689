// 7. A wrong token: the panel ends `failed` with a clear reason (the service refused
// the token), and makes no retry loop (the proxy counts the WebSocket upgrades).
import { directService, directSettings } from '../direct.mjs';
import { assert, env } from '../lib.mjs';

export default {
  name: 'wrong token: failed with a clear reason, no retry loop',
  timeout: 120000,
  setup: async (ctx) => {
    await directService(ctx);
    ctx.upgradesBefore = ctx.direct.proxy.upgrades;
  },
  settings: (ctx) => directSettings(ctx, { token: 'not-the-token', retryBudgetMs: 120000 }),
  async run(ctx) {
    const { lab } = ctx;
    const { proxy } = ctx.direct;
    let failed = true;
    try {
      await lab.waitForConnection('failed', { timeout: 20000 });
    } catch {
      failed = false;
    }
    const upgrades = proxy.upgrades - ctx.upgradesBefore;
    const detail = await lab.page.locator('[data-testid="mooring-status"]').innerText();
    await lab.screenshot('wrong-token');
    assert(failed, `not failed after 20 s: status "${detail.replace(/\s+/g, ' ')}", ${upgrades} upgrade attempts`);
    assert(/token/i.test(detail) && /401|refused/i.test(detail), `reason: ${detail}`);
    // No retry loop: still failed, no new upgrade, over more than a heartbeat timeout.
    const at = proxy.upgrades;
    await lab.page.waitForTimeout(env.heartbeatTimeoutMs + 1000); // an observation window, not a synchronisation
    assert((await lab.connectionState()) === 'failed', 'left failed by itself');
    assert(proxy.upgrades === at && upgrades <= 2, `upgrade attempts: ${upgrades} before failed, ${proxy.upgrades - at} after`);
    return { upgrades, detail };
  }
};
