// The stand-alone service behind the fault proxy, shared by the specs that need to
// break the network (4, 5, 7). The panel reaches it through its settings
// (serviceUrl = the proxy, token), not through Jupyter.
import { FaultProxy } from '../fault-proxy.mjs';
import { env, Service } from './lib.mjs';

export const DIRECT_TOKEN = 'e2e-direct-token-0123456789';

/** Starts (once) the service and the proxy; answers {service, proxy}. */
export async function directService(ctx) {
  if (ctx.direct) return ctx.direct;
  const origin = new URL(env.labUrl).origin;
  const service = new Service({
    name: 'direct',
    token: DIRECT_TOKEN,
    env: {
      CHAT_ALLOWED_ORIGINS: origin,
      CHAT_HEARTBEAT_INTERVAL: '1s',
      CHAT_HEARTBEAT_TIMEOUT: `${Math.round(env.heartbeatTimeoutMs / 1000)}s`,
      CHAT_DEMO_TOKENS_PER_SECOND: '10',
      CHAT_DEMO_REPLY_TOKENS: '120'
    }
  });
  await service.start();
  const proxy = new FaultProxy({ targetPort: service.port });
  await proxy.listen();
  ctx.direct = { service, proxy };
  ctx.cleanups.push(async () => {
    await proxy.close();
    await service.stop();
  });
  return ctx.direct;
}

/** The panel's settings for the proxied service. */
export function directSettings(ctx, extra = {}) {
  return {
    serviceUrl: `ws://127.0.0.1:${ctx.direct.proxy.port}/api/chat`,
    token: DIRECT_TOKEN,
    ...extra
  };
}
