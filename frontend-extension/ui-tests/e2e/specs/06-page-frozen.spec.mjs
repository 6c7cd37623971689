// 6. The page is frozen (CDP Debugger.pause: no script, no timer, no socket event)
// for longer than the heartbeat timeout, mid-answer. The service drops the silent
// connection; when the page wakes the panel recovers by itself: connected again and
// the answer completes, equal to the stored text.
import { env } from '../env.mjs';
import { expect, measured, test } from '../fixtures.mjs';

test('page frozen past the heartbeat timeout mid-answer: recovers by itself on wake, answer completes', async ({
  mooring,
  jupyterLab
}) => {
  const { page } = mooring;
  await mooring.startConversation();
  await mooring.ask('What happens when my laptop sleeps?');
  await mooring.waitForText(20, 30000);
  // Galata's page wraps Playwright's; a CDP session wants Playwright's own.
  const cdp = await page.context().newCDPSession(page.page);
  const socketsBefore = mooring.chatSockets;
  const frozenMs = env.heartbeatTimeoutMs * 2;
  // A page timer that measures its own longest gap proves the freeze.
  await page.evaluate(() => {
    window.__e2eGap = { last: Date.now(), max: 0 };
    window.__e2eGapTimer = setInterval(() => {
      const now = Date.now();
      window.__e2eGap.max = Math.max(window.__e2eGap.max, now - window.__e2eGap.last);
      window.__e2eGap.last = now;
    }, 50);
  });
  // Headless Chromium ignores Page.setWebLifecycleState 'frozen' for a visible page
  // (timers keep firing), so the freeze is the debugger's: Debugger.pause stops the
  // page's main thread (no script, no timer, no socket event) until Debugger.resume.
  await cdp.send('Debugger.enable');
  const paused = new Promise((resolve) => cdp.once('Debugger.paused', resolve));
  await cdp.send('Debugger.pause');
  await paused;
  const frozenAt = Date.now();
  await new Promise((resolve) => setTimeout(resolve, frozenMs)); // the length of the freeze (the fault), not a synchronisation
  await cdp.send('Debugger.resume');
  await cdp.send('Debugger.disable');
  const awokeAt = Date.now();
  await page.waitForFunction(() => window.__e2eGap.last > Date.now() - 500);
  const gap = await page.evaluate(() => (clearInterval(window.__e2eGapTimer), window.__e2eGap.max));
  expect(gap, 'the page was frozen past the heartbeat timeout (its longest timer gap)').toBeGreaterThanOrEqual(env.heartbeatTimeoutMs);
  await mooring.startRecording();

  await mooring.waitForAnswer('done', { timeout: 60000 });
  await mooring.waitForConnection('connected', { timeout: 30000 });
  const seen = await mooring.recorded();
  expect(mooring.chatSockets, 'the panel opened a new socket by itself (the service dropped the silent one)').toBeGreaterThan(
    socketsBefore
  );
  const entry = await mooring.lastEntry();
  const stored = await jupyterLab.api(`completions/${entry.completionId}`);
  expect(stored.status).toBe('completed');
  expect(stored.text, 'the panel text equals the stored text').toBe(entry.text);
  await mooring.screenshot('after-freeze');
  await cdp.detach();
  measured({ frozenMs: awokeAt - frozenAt, timerGapMs: gap, states: seen.map((r) => `${r.s}/${r.a}`).join(' > ') });
});
