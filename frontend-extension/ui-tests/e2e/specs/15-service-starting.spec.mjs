// 15. While the Jupyter proxy says the chat service is starting again (after a crash),
// the status line says so ("Starting the chat service…") with a dot in the
// brand colour, not the orange of a lost connection and no reconnect countdown.
import { selectors } from '../../mooring-page.mjs';
import { expect, measured, test } from '../fixtures.mjs';

test('a service starting again shows as starting, not as an orange reconnect', async ({ page, mooring, jupyterLab }) => {
  await mooring.startConversation();
  // Every state of the status line from now on, with its dot's colour.
  await page.evaluate(
    ([status]) => {
      const seen = (window.__e2eStarting = []);
      const note = () => {
        const line = document.querySelector(status);
        const dot = line?.querySelector('.jp-Mooring-statusDot');
        seen.push({
          state: line?.getAttribute('data-state'),
          service: line?.getAttribute('data-service'),
          text: line?.querySelector('[role="status"]')?.textContent,
          countdown: !!line?.querySelector('[data-testid="mooring-status-countdown"]'),
          dot: dot && getComputedStyle(dot).backgroundColor
        });
      };
      note();
      new MutationObserver(note).observe(document.querySelector(status), { subtree: true, attributes: true, childList: true, characterData: true });
    },
    [selectors.status]
  );
  const colours = await page.evaluate(() => {
    const probe = document.createElement('span');
    document.body.append(probe);
    const read = (v) => ((probe.style.color = `var(${v})`), getComputedStyle(probe).color);
    const result = { brand: read('--jp-brand-color1'), warn: read('--jp-warn-color1') };
    probe.remove();
    return result;
  });

  const before = await jupyterLab.status();
  process.kill(before.pid, 'SIGKILL');
  await page.waitForFunction(
    () => window.__e2eStarting.some((s) => s.service === 'restarting' || s.service === 'starting'),
    null,
    { timeout: 60000 }
  );
  await page.screenshot({ path: test.info().outputPath('starting.png') });
  await mooring.waitForConnection('connected', { timeout: 120000 });
  await jupyterLab.waitForService();

  const seen = await page.evaluate(() => window.__e2eStarting);
  const starting = seen.filter((s) => s.service === 'restarting' || s.service === 'starting');
  expect(starting.length, 'the proxy said the service is starting').toBeGreaterThan(0);
  for (const s of starting.filter((x) => x.state !== 'connected')) {
    expect(s.text, 'the status line says the service is starting').toMatch(
      /^(Restarting the chat service after it stopped…|Starting the chat service…)$/
    );
    expect(s.countdown, 'no reconnect countdown while it starts').toBe(false);
    expect(s.dot, 'the dot is not the orange of a lost connection').toBe(colours.brand);
    expect(s.dot).not.toBe(colours.warn);
  }
  measured({ states: [...new Set(seen.map((s) => `${s.state}/${s.service || '-'}`))] });
});
