// Small helpers for the processes the end-to-end tests start: free ports,
// polling until something is ready, stopping a child and waiting for its exit.
import net from 'node:net';

/**
 * Runs `start(port)` on a port that was free a moment ago, and again on another one when it
 * failed because another process took that port in between (`taken(port)` says so); at most
 * `attempts` times.
 */
export async function startOnFreePort(start, taken, attempts = 3) {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    try {
      return await start(port);
    } catch (err) {
      if (attempt >= attempts || !taken(port)) throw err;
    }
  }
}

export async function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** An error that ends pollUntil at once (the thing waited for can no longer happen). */
export class GiveUp extends Error {}

/**
 * Polls `check` (sync or async) until it returns a truthy value; throws after `timeout` ms,
 * or at once when `check` throws GiveUp (other errors count as "not yet").
 */
export async function pollUntil(check, { timeout, interval = 200, what }) {
  const end = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await check();
      if (last) return last;
    } catch (err) {
      if (err instanceof GiveUp) throw err;
      last = err;
    }
    if (Date.now() > end) {
      const seen = last instanceof Error ? last.message : JSON.stringify(last);
      throw new Error(`timed out after ${timeout} ms waiting for ${what} (last: ${seen})`);
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}

/** Sends `signal`, then SIGKILL if the child has not exited after `graceMs`. */
export async function stopChild(child, { signal = 'SIGTERM', graceMs = 20000, group = false } = {}) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exit = new Promise((resolve) => child.once('exit', resolve));
  const send = (sig) => {
    try {
      if (group) process.kill(-child.pid, sig);
      else child.kill(sig);
    } catch {
      /* already gone */
    }
  };
  send(signal);
  const timer = setTimeout(() => send('SIGKILL'), graceMs);
  await exit;
  clearTimeout(timer);
}
