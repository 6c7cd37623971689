// 9. One conversation, every tab: a second device follows the conversation the first
// shows. A question asked in one streams in both at once; while the second is offline
// the first asks again, and once back the second shows that question and its whole
// answer, equal to the stored one; deleting the conversation in one removes it from the
// other.
import { selectors } from '../../mooring-page.mjs';
import { expect, test } from '../fixtures.mjs';

test('two devices follow one conversation: live in both, caught up after a network cut, deleted in both', async ({
  mooring,
  openTab,
  jupyterLab
}) => {
  await mooring.startConversation();
  await mooring.ask('What is a mooring line?');
  await mooring.waitForAnswer('done', { timeout: 60000 });
  const conversationId = await mooring.conversationId();

  const other = await openTab({ device: true });
  await other.waitForConnection('connected', { timeout: 30000 });
  await other.openConversation(conversationId);
  await expect(other.answers).toHaveCount(1);

  // Asked in the first, streamed in both at the same time.
  await mooring.ask('And a bollard?');
  await other.waitForAnswer('streaming', { timeout: 30000 });
  await mooring.waitForAnswer('streaming', { timeout: 5000 });
  await expect(other.page.locator(selectors.question).last()).toHaveText('And a bollard?');
  await mooring.screenshot('two-tabs-asking');
  await other.screenshot('two-tabs-following');
  await mooring.waitForAnswer('done', { timeout: 60000 });
  await other.waitForAnswer('done', { timeout: 30000 });
  expect((await other.lastEntry()).text, 'the follower shows the same answer').toBe((await mooring.lastEntry()).text);

  // The follower goes offline; a question asked meanwhile is there once it is back.
  await other.page.context().setOffline(true);
  await other.waitForConnection(['disconnected', 'reconnecting'], { timeout: 10000 });
  await mooring.ask('And a cleat?');
  await mooring.waitForAnswer('done', { timeout: 60000 });
  const missed = await mooring.lastEntry();
  await other.page.context().setOffline(false);
  await other.waitForConnection('connected', { timeout: 40000 });
  await expect(other.answers).toHaveCount(3, { timeout: 30000 });
  await other.waitForAnswer('done', { timeout: 30000 });
  const caughtUp = await other.lastEntry();
  const stored = await jupyterLab.api(`completions/${missed.completionId}`);
  expect(caughtUp.text, 'after the cut the follower shows the stored answer').toBe(stored.text);
  expect(caughtUp.completionId).toBe(missed.completionId);

  // Deleted in the first: gone from the second.
  await mooring.deleteConversation(conversationId);
  await other.page.locator(selectors.empty).waitFor({ timeout: 15000 });
  expect(await other.conversationId()).toBeUndefined();
});
