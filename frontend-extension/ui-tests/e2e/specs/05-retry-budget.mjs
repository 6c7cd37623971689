// 5. The service stays down longer than the retry budget (5 s here, the panel's
// `retryBudgetMs` setting): the panel ends `failed` with "Retry now", makes no more
// attempts, and "Retry now" works once the service is back (a queued question is answered).
import { directService, directSettings } from '../direct.mjs';
import { assert, until } from '../lib.mjs';

export default {
  name: 'service down past the retry budget: failed with Retry now, which works once it is back',
  timeout: 180000,
  setup: (ctx) => directService(ctx),
  settings: (ctx) => directSettings(ctx, { retryBudgetMs: 5000 }),
  async run(ctx) {
    const { lab, page = ctx.lab.page } = ctx;
    const { proxy, service } = ctx.direct;
    await lab.waitForConnection('connected', { timeout: 30000 });
    await lab.newConversation();

    await service.stop();
    await lab.waitForConnection(['disconnected', 'reconnecting'], { timeout: 10000 });
    await lab.waitForConnection('failed', { timeout: 60000 });
    const reason = await page.locator('[data-testid="mooring-status-detail"]').innerText();
    const retryNow = page.locator('[data-testid="mooring-retry-now"]');
    await retryNow.waitFor();
    // A question asked now waits, paused, and says so.
    await lab.ask('Are you there?');
    await lab.waitForAnswer('paused', { timeout: 5000 });
    await lab.screenshot('retry-budget-failed');

    await service.start();
    const attempts = proxy.connections;
    // Failed means no more attempts: the service is back, yet nothing connects by itself.
    await until(async () => (await lab.connectionState()) === 'failed' && proxy.connections === attempts, {
      timeout: 2000,
      what: 'failed to hold'
    });
    assert((await lab.connectionState()) === 'failed', 'left failed without Retry now');
    assert(proxy.connections === attempts, `attempts while failed: ${proxy.connections - attempts}`);

    await retryNow.click();
    await lab.waitForConnection('connected', { timeout: 30000 });
    await lab.waitForAnswer('done', { timeout: 60000 });
    const entry = await lab.lastEntry();
    const stored = await service.get(`completions/${entry.completionId}`);
    assert(stored.text === entry.text && stored.status === 'completed', 'the queued question was answered and stored');
    await lab.screenshot('retry-now-recovered');
    return { reason };
  }
};
