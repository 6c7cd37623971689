// 3. The service is killed (SIGKILL) mid-answer: the panel says disconnected or
// reconnecting within the heartbeat timeout, and once the Jupyter proxy says the
// service is restarting the answer says the service stopped (`orphaned`: no promise
// of a resume, never an endless "waiting"); once the supervisor has restarted it the
// answer ends `interrupted` with its partial text, Retry gives a new complete answer,
// and the history holds both.
import { selectors } from '../../mooring-page.mjs';
import { env } from '../env.mjs';
import { expect, measured, test } from '../fixtures.mjs';

test('service killed mid-answer: honest status, interrupted with partial text, Retry works, history intact', async ({
  mooring,
  jupyterLab
}) => {
  const { page } = mooring;
  await mooring.startConversation();
  await mooring.ask('Tell me everything about mooring lines.');
  await mooring.waitForText(60, 30000);
  await mooring.startRecording();

  const before = await jupyterLab.status();
  expect(before.state).toBe('running');
  const shownBefore = (await mooring.lastEntry()).text;
  process.kill(before.pid, 'SIGKILL');
  const killedAt = Date.now();

  const state = await mooring.waitForConnection(['disconnected', 'reconnecting'], { timeout: env.heartbeatTimeoutMs + 2000 });
  await mooring.waitForAnswer(['paused', 'orphaned'], { timeout: env.heartbeatTimeoutMs + 2000 });
  const noticedMs = Date.now() - killedAt;
  await mooring.screenshot('service-killed');

  // The supervisor restarts it; the client reconnects and resumes the answer.
  await expect
    .poll(
      async () => {
        const s = await jupyterLab.status();
        return s.state === 'running' && s.pid !== before.pid && s.starts > before.starts;
      },
      { message: 'the supervisor restarts the service', timeout: 90000 }
    )
    .toBe(true);
  await mooring.waitForAnswer('interrupted', { timeout: 90000 });
  await mooring.waitForConnection('connected', { timeout: 30000 });

  const answerStates = [...new Set((await mooring.recorded()).map((r) => r.a))];
  expect(answerStates, 'the answer says the service stopped, not that it will resume').toContain('orphaned');
  expect(answerStates, 'never an endless "waiting"').not.toContain('waiting');
  expect(answerStates.at(-1), `answer states after the kill: ${answerStates.join(' > ')}`).toBe('interrupted');
  const partial = await mooring.lastEntry();
  // The partial text is kept. A tail streamed but not yet durable at the crash may be
  // lost; then the panel trims to what is stored (PROTOCOL: done.lastSeq below held chunks).
  expect(partial.text.length, 'the partial text is kept').toBeGreaterThan(0);
  expect(
    shownBefore.startsWith(partial.text) || partial.text.startsWith(shownBefore),
    'the interrupted text is a prefix or a continuation of what was shown'
  ).toBe(true);
  const stored = await jupyterLab.api(`completions/${partial.completionId}`);
  expect(stored.status).toBe('interrupted');
  expect(stored.text, 'the panel text equals the stored text').toBe(partial.text);
  const retry = mooring.lastAnswer.locator(selectors.retryAnswer);
  await retry.waitFor();
  await mooring.lastAnswer.scrollIntoViewIfNeeded();
  await mooring.screenshot('interrupted');

  await retry.click();
  await expect(mooring.answers).toHaveCount(2);
  await mooring.waitForAnswer('done', { timeout: 60000 });
  const again = await mooring.lastEntry();

  const conversation = await jupyterLab.api(`conversations/${await mooring.conversationId()}`);
  expect(conversation.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
  const [q1, a1, q2, a2] = conversation.messages;
  expect(q2.text, 'the question is stored twice (the retry)').toBe(q1.text);
  expect(a1.completion.status).toBe('interrupted');
  expect(a1.text, 'the interrupted answer is stored with its partial text').toBe(partial.text);
  expect(a2.completion.status).toBe('completed');
  expect(a2.text, 'the retried answer is stored complete').toBe(again.text);
  await mooring.screenshot('retried');
  measured({ noticedMs, state, shownAtKill: shownBefore.length, keptChars: partial.text.length, lastSeq: stored.lastSeq });
});
