// Our client in Node (with `ws`), driven by the multi-node tests (src/test/java/dev/mooring/cluster/ClientThroughBalancerIT):
//   node ask-through-balancer.mjs <ws url of /api/chat> <token> <question>
// Asks one question and reports, one JSON object per line on stdout: every welcome (with the node it landed on),
// every connection state, every chunk's seq, and at last the answer's end with its text. Exits 0 once the answer
// ended, 1 if the connection ever showed `failed`.
import WebSocket from 'ws';
import { ChatClient } from '../../lib/index.js';

const [url, token, question] = process.argv.slice(2);
const say = (event) => process.stdout.write(JSON.stringify(event) + '\n');

const client = new ChatClient({
  url,
  token,
  WebSocket,
  fetch: globalThis.fetch,
  baseDelayMs: 200,
  maxDelayMs: 2_000,
  logger: { debug: () => {}, warn: (...args) => process.stderr.write(args.join(' ') + '\n') },
});
client.addEventListener('welcome', (e) => say({ event: 'welcome', node: e.detail.node }));
client.addEventListener('status', (e) => {
  say({ event: 'status', state: e.detail.state, reason: e.detail.reason });
  if (e.detail.state === 'failed') {
    process.exitCode = 1;
  }
});

const answer = client.send(question);
answer.addEventListener('chunk', (e) => say({ event: 'chunk', seq: e.detail.seq }));
let accepted = false;
answer.addEventListener('update', () => {
  if (!accepted && answer.completionId) {
    accepted = true;
    say({ event: 'accepted', completionId: answer.completionId });
  }
});
const status = await answer.finished;
say({ event: 'end', status, text: answer.text, lastSeq: answer.lastSeq, completionId: answer.completionId });
client.close();
