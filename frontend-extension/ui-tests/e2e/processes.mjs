// Small helpers for the processes the end-to-end tests start: free ports,
// polling until something is ready, stopping a child and waiting for it.
import net from 'node:net';

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

/** A promise of the child's exit, kept on the child so that it can be awaited more than once. */
export function exited(child) {
  child.exitedPromise ??= new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  return child.exitedPromise;
}

/** Sends `signal`, then SIGKILL if the child has not exited after `graceMs`. */
export async function stopChild(child, { signal = 'SIGTERM', graceMs = 20000, group = false } = {}) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
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
  await exited(child);
  clearTimeout(timer);
}
