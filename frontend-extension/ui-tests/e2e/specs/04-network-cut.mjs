// 4. The network is cut mid-answer and restored, twice: `drop` (every socket reset)
// and `blackhole` (sockets open, nothing forwarded). The panel notices each cut
// (a blackhole only by the heartbeat timeout), pauses the answer, resumes it when
// the path is back, and ends with exactly the stored text.
import { directService, directSettings } from '../direct.mjs';
import { assert, env } from '../lib.mjs';

export default {
  name: 'network dropped and blackholed mid-answer: answer resumes, panel text equals stored text',
  timeout: 180000,
  setup: (ctx) => directService(ctx),
  settings: (ctx) => directSettings(ctx, { retryBudgetMs: 120000 }),
  async run(ctx) {
    const { lab } = ctx;
    const { proxy, service } = ctx.direct;
    await lab.waitForConnection('connected', { timeout: 30000 });
    await lab.newConversation();
    await lab.ask('Explain how a resumable stream works.');
    await lab.waitForText(40, 30000);

    // drop: resets are seen at once.
    proxy.drop();
    await lab.waitForConnection(['disconnected', 'reconnecting'], { timeout: env.heartbeatTimeoutMs + 2000 });
    await lab.waitForAnswer('paused', { timeout: 5000 });
    // Stay cut until the panel has seen a reconnect attempt fail too.
    await lab.waitForConnection(['disconnected', 'reconnecting'], { timeout: 30000, minAttempt: 2 });
    await lab.screenshot('network-dropped');
    proxy.restore();
    await lab.waitForConnection('connected', { timeout: 40000 });
    await lab.waitForAnswer('streaming', { timeout: 10000 });
    const afterDrop = (await lab.lastEntry()).text.length;
    await lab.waitForText(afterDrop + 20, 20000);

    // blackhole: silence, noticed by the heartbeat timeout.
    proxy.blackhole();
    const cutAt = Date.now();
    await lab.waitForConnection(['disconnected', 'reconnecting'], { timeout: env.heartbeatTimeoutMs + 3000 });
    const noticedMs = Date.now() - cutAt;
    await lab.waitForAnswer('paused', { timeout: 5000 });
    const heldText = (await lab.lastEntry()).text;
    await lab.screenshot('network-blackholed');
    // Restore once an attempt is hanging in the blackhole.
    await lab.waitForConnection('reconnecting', { timeout: 30000 });
    proxy.restore();
    await lab.waitForConnection('connected', { timeout: 40000 });
    await lab.waitForAnswer('done', { timeout: 60000 });

    const entry = await lab.lastEntry();
    assert(entry.text.startsWith(heldText), 'the text held during the cut was rewritten');
    const stored = await service.get(`completions/${entry.completionId}`);
    assert(stored.status === 'completed', `stored status ${stored.status}`);
    assert(stored.text === entry.text, `panel text (${entry.text.length}) != stored text (${stored.text.length})`);
    const conv = await service.get(`conversations/${await lab.conversationId()}`);
    assert(conv.messages.length === 2 && conv.messages[1].text === entry.text, 'history holds the question and the answer');
    await lab.lastAnswer.scrollIntoViewIfNeeded();
    await lab.screenshot('network-restored');
    return { blackholeNoticedMs: noticedMs, connections: proxy.connections };
  }
};
