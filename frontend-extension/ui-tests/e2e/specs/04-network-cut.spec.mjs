// 4. The network is cut mid-answer and restored, twice: `drop` (every socket reset)
// and `blackhole` (sockets open, nothing forwarded). The panel notices each cut
// (a blackhole only by the heartbeat timeout), pauses the answer, resumes it when
// the path is back, and ends with exactly the stored text.
import { env } from '../env.mjs';
import { expect, measured, test } from '../fixtures.mjs';

test.use({ panelSettings: async ({ direct }, use) => use(direct.settings({ retryBudgetMs: 120000 })) });

test('network dropped and blackholed mid-answer: answer resumes, panel text equals stored text', async ({ mooring, direct }) => {
  const { proxy, service } = direct;
  await mooring.startConversation();
  await mooring.ask('Explain how a resumable stream works.');
  await mooring.waitForText(40, 30000);

  // drop: resets are seen at once.
  proxy.drop();
  await mooring.waitForConnection(['disconnected', 'reconnecting'], { timeout: env.heartbeatTimeoutMs + 2000 });
  await mooring.waitForAnswer('paused', { timeout: 5000 });
  // Stay cut until the panel has seen a reconnect attempt fail too.
  await mooring.waitForConnection(['disconnected', 'reconnecting'], { timeout: 30000, minAttempt: 2 });
  await mooring.screenshot('network-dropped');
  proxy.restore();
  await mooring.waitForConnection('connected', { timeout: 40000 });
  await mooring.waitForAnswer('streaming', { timeout: 10000 });
  const afterDrop = (await mooring.lastEntry()).text.length;
  await mooring.waitForText(afterDrop + 20, 20000);

  // blackhole: silence, noticed by the heartbeat timeout.
  proxy.blackhole();
  const cutAt = Date.now();
  await mooring.waitForConnection(['disconnected', 'reconnecting'], { timeout: env.heartbeatTimeoutMs + 3000 });
  const noticedMs = Date.now() - cutAt;
  await mooring.waitForAnswer('paused', { timeout: 5000 });
  const heldText = (await mooring.lastEntry()).text;
  await mooring.screenshot('network-blackholed');
  // Restore once an attempt is hanging in the blackhole.
  await mooring.waitForConnection('reconnecting', { timeout: 30000 });
  proxy.restore();
  await mooring.waitForConnection('connected', { timeout: 40000 });
  await mooring.waitForAnswer('done', { timeout: 60000 });

  const entry = await mooring.lastEntry();
  expect(entry.text.startsWith(heldText), 'the text held during the cut is kept, not rewritten').toBe(true);
  const stored = await service.get(`completions/${entry.completionId}`);
  expect(stored.status).toBe('completed');
  expect(stored.text, 'the panel text equals the stored text').toBe(entry.text);
  const conversation = await service.get(`conversations/${await mooring.conversationId()}`);
  expect(conversation.messages.length, 'the history holds the question and the answer').toBe(2);
  expect(conversation.messages[1].text).toBe(entry.text);
  await mooring.lastAnswer.scrollIntoViewIfNeeded();
  await mooring.screenshot('network-restored');
  measured({ blackholeNoticedMs: noticedMs, connections: proxy.connections });
});
