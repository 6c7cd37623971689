// 5. The service stays down longer than the retry budget (12 s here, the panel's
// `retryBudgetMs` setting): the panel ends `failed` with "Retry now", makes no more
// attempts, and "Retry now" works once the service is back (a queued question is answered).
// The budget is longer than the client's `stableAfterMs` (10 s): a connection up for less
// than that does not renew the budget, so with a shorter one a connection that had been up
// for longer than the budget but less than 10 s when the service stopped would go straight
// to `failed`, and whether the panel first shows `disconnected` would depend on how long
// the page took to load.
import { selectors } from '../../mooring-page.mjs';
import { expect, measured, test } from '../fixtures.mjs';

test.use({ panelSettings: async ({ direct }, use) => use(direct.settings({ retryBudgetMs: 12000 })) });

test('service down past the retry budget: failed with Retry now, which works once it is back', async ({ mooring, direct }) => {
  const { page } = mooring;
  const { proxy, service } = direct;
  await mooring.startConversation();

  await service.stop();
  await mooring.waitForConnection(['disconnected', 'reconnecting'], { timeout: 10000 });
  await mooring.waitForConnection('failed', { timeout: 60000 });
  const reason = await page.locator(selectors.statusDetail).innerText();
  const retryNow = page.locator(selectors.retryNow);
  await retryNow.waitFor();
  // A question asked now waits, paused, and says so.
  await mooring.ask('Are you there?');
  await mooring.waitForAnswer('paused', { timeout: 5000 });
  await mooring.screenshot('retry-budget-failed');

  // Failed means no more attempts: while the service starts again and once it is
  // back, nothing connects by itself.
  const attempts = proxy.connections;
  await service.start();
  expect(await mooring.connectionState(), 'failed holds without Retry now').toBe('failed');
  expect(proxy.connections - attempts, 'attempts while failed').toBe(0);

  await retryNow.click();
  await mooring.waitForConnection('connected', { timeout: 30000 });
  await mooring.waitForAnswer('done', { timeout: 60000 });
  const entry = await mooring.lastEntry();
  const stored = await service.get(`completions/${entry.completionId}`);
  expect(stored.status).toBe('completed');
  expect(stored.text, 'the queued question was answered and stored').toBe(entry.text);
  await mooring.screenshot('retry-now-recovered');
  measured({ reason });
});
