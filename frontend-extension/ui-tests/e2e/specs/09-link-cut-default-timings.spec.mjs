// 9. A cut link shows in seconds with the service's DEFAULT heartbeats (a ping every
// 15 s, silence closed after 45 s), which would take up to 45 s to notice on their own:
// - the browser goes offline for 8 s mid-answer: the panel says it is not connected
//   within 5 s, and once back online the answer resumes and ends as stored;
// - the path goes silent (a blackhole: no offline event, sockets stay open) while an
//   answer streams: the panel says it is not connected within 10 s.
import { expect, measured, test } from '../fixtures.mjs';

test.use({ panelSettings: async ({ defaultTimings }, use) => use(defaultTimings.settings({ retryBudgetMs: 120000 })) });

const NOT_CONNECTED = ['disconnected', 'reconnecting'];

/** The service told the page its own default heartbeats, not the tests' short ones. */
function expectDefaultHeartbeats(mooring) {
  expect(mooring.welcome, 'the panel was welcomed').toBeTruthy();
  expect(mooring.welcome.heartbeatIntervalMs).toBe(15000);
  expect(mooring.welcome.heartbeatTimeoutMs).toBe(45000);
}

test('eight seconds offline mid-answer show as not connected within 5 s; the answer resumes whole', async ({
  mooring,
  defaultTimings
}) => {
  const { page } = mooring;
  await mooring.startConversation();
  expectDefaultHeartbeats(mooring);
  await mooring.ask('Explain how an answer survives a cut link.');
  await mooring.waitForText(40, 30000);

  await page.context().setOffline(true);
  const cutAt = Date.now();
  await mooring.waitForConnection(NOT_CONNECTED, { timeout: 5000 });
  const noticedMs = Date.now() - cutAt;
  await mooring.waitForAnswer('paused', { timeout: 5000 });
  await mooring.screenshot('offline');
  // Eight seconds without a network, then back.
  await page.waitForTimeout(Math.max(0, 8000 - (Date.now() - cutAt)));
  await page.context().setOffline(false);

  await mooring.waitForConnection('connected', { timeout: 30000 });
  await mooring.waitForAnswer('done', { timeout: 60000 });
  const entry = await mooring.lastEntry();
  const stored = await defaultTimings.service.get(`completions/${entry.completionId}`);
  expect(stored.status).toBe('completed');
  expect(stored.text, 'every piece once and in order: the panel text equals the stored text').toBe(entry.text);
  measured({ offlineNoticedMs: noticedMs });
});

test('a blackholed link while an answer streams shows as not connected within 10 s', async ({ mooring, defaultTimings }) => {
  const { proxy, service } = defaultTimings;
  await mooring.startConversation();
  expectDefaultHeartbeats(mooring);
  await mooring.ask('Explain how a silent network is noticed.');
  await mooring.waitForText(40, 30000);

  proxy.blackhole();
  const cutAt = Date.now();
  await mooring.waitForConnection(NOT_CONNECTED, { timeout: 10000 });
  const noticedMs = Date.now() - cutAt;
  await mooring.waitForAnswer('paused', { timeout: 5000 });
  await mooring.screenshot('blackholed-default-timings');

  proxy.restore();
  await mooring.waitForConnection('connected', { timeout: 60000 });
  await mooring.waitForAnswer('done', { timeout: 60000 });
  const entry = await mooring.lastEntry();
  const stored = await service.get(`completions/${entry.completionId}`);
  expect(stored.text, 'the panel text equals the stored text').toBe(entry.text);
  measured({ blackholeNoticedMs: noticedMs });
});
