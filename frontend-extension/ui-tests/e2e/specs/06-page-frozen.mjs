// 6. The page is frozen (CDP Debugger.pause: no script, no timer, no socket event)
// for longer than the heartbeat timeout, mid-answer. The service drops the silent
// connection; when the page wakes the panel recovers by itself: connected again and
// the answer completes, equal to the stored text.
import { assert, env, labGet } from '../lib.mjs';

export default {
  name: 'page frozen past the heartbeat timeout mid-answer: recovers by itself on wake, answer completes',
  timeout: 150000,
  async run({ lab }) {
    const { page } = lab;
    await lab.waitForConnection('connected', { timeout: 30000 });
    await lab.newConversation();
    await lab.ask('What happens when my laptop sleeps?');
    await lab.waitForText(20, 30000);
    const cdp = await page.context().newCDPSession(page);
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
    const paused = new Promise((r) => cdp.once('Debugger.paused', r));
    await cdp.send('Debugger.pause');
    await paused;
    const frozenAt = Date.now();
    await new Promise((r) => setTimeout(r, frozenMs)); // the length of the freeze (the fault), not a synchronisation
    await cdp.send('Debugger.resume');
    await cdp.send('Debugger.disable');
    const awokeAt = Date.now();
    await page.waitForFunction(() => window.__e2eGap.last > Date.now() - 500);
    const gap = await page.evaluate(() => (clearInterval(window.__e2eGapTimer), window.__e2eGap.max));
    assert(gap >= env.heartbeatTimeoutMs, `the page was not frozen past the heartbeat timeout (longest timer gap ${gap} ms)`);
    await lab.startRecording();

    await lab.waitForAnswer('done', { timeout: 60000 });
    await lab.waitForConnection('connected', { timeout: 30000 });
    const seen = await lab.recorded();
    const entry = await lab.lastEntry();
    const stored = await labGet(`completions/${entry.completionId}`);
    assert(stored.status === 'completed', `stored ${stored.status}`);
    assert(stored.text === entry.text, `panel text (${entry.text.length}) differs from stored (${stored.text.length})`);
    await lab.screenshot('after-freeze');
    await cdp.detach();
    return { frozenMs: awokeAt - frozenAt, timerGapMs: gap, states: seen.map((r) => `${r.s}/${r.a}`).join(' > ') };
  }
};
