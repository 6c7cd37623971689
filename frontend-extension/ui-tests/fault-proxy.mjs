// A TCP proxy on 127.0.0.1 that can break the path to the chat service on demand,
// for the end-to-end tests. Modes:
//   pass      forward bytes both ways (the default)
//   drop      destroy every open connection pair; new connections are reset at once
//   blackhole keep every socket open but forward nothing (a silent network cut);
//             new connections are accepted and held without a word
// restore() goes back to `pass`: sockets held by the blackhole are destroyed (as a
// NAT or a firewall forgets them) and new connections are forwarded again.
// It also counts WebSocket upgrade requests for /api/chat (scenario "wrong token").
import net from 'node:net';

export class FaultProxy {
  /**
   * @param {{targetPort: number | (() => number), targetHost?: string, port?: number}} options
   * `targetPort` may be a function, read for each new connection (a target that moves on restart).
   */
  constructor({ targetPort, targetHost = '127.0.0.1', port = 0 }) {
    this.targetPort = targetPort;
    this.targetHost = targetHost;
    this.wantedPort = port;
    this.mode = 'pass';
    this.pairs = new Set();
    this.held = new Set();
    this.upgrades = 0;
    this.connections = 0;
    this.server = net.createServer((socket) => this._accept(socket));
  }

  /** Starts listening; answers the port. */
  async listen() {
    await new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.wantedPort, '127.0.0.1', resolve);
    });
    this.port = this.server.address().port;
    return this.port;
  }

  _accept(client) {
    this.connections++;
    client.on('error', () => {});
    if (this.mode === 'drop') {
      client.resetAndDestroy?.() ?? client.destroy();
      return;
    }
    if (this.mode === 'blackhole') {
      this.held.add(client);
      client.on('close', () => this.held.delete(client));
      client.on('data', () => {}); // read and forget
      return;
    }
    const port = typeof this.targetPort === 'function' ? this.targetPort() : this.targetPort;
    const upstream = net.connect(port, this.targetHost);
    upstream.on('error', () => {});
    const pair = { client, upstream, frozen: false };
    this.pairs.add(pair);
    let head = '';
    client.on('data', (data) => {
      if (head.length < 2048) {
        head += data.toString('latin1');
        // Count each upgrade request line once per connection.
        if (!pair.counted && /^GET [^ ]*\/api\/chat[ ?]/.test(head) && /\r\nupgrade: *websocket/i.test(head)) {
          pair.counted = true;
          this.upgrades++;
        }
      }
      if (!pair.frozen) upstream.write(data);
    });
    upstream.on('data', (data) => {
      if (!pair.frozen) client.write(data);
    });
    const close = () => {
      this.pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', close);
    upstream.on('close', close);
  }

  /** Destroys every connection now; new ones are reset until restore(). */
  drop() {
    this.mode = 'drop';
    for (const p of this.pairs) {
      p.client.resetAndDestroy?.() ?? p.client.destroy();
      p.upstream.destroy();
    }
    this.pairs.clear();
  }

  /** Stops forwarding silently: open sockets stay open, new ones are held. */
  blackhole() {
    this.mode = 'blackhole';
    for (const p of this.pairs) p.frozen = true;
  }

  /** Back to forwarding; frozen and held sockets are destroyed (the path forgot them). */
  restore() {
    this.mode = 'pass';
    for (const p of [...this.pairs]) {
      if (p.frozen) {
        p.client.destroy();
        p.upstream.destroy();
        this.pairs.delete(p);
      }
    }
    for (const s of this.held) s.destroy();
    this.held.clear();
  }

  async close() {
    this.drop();
    for (const s of this.held) s.destroy();
    await new Promise((resolve) => this.server.close(() => resolve()));
  }
}

// Stand-alone: node fault-proxy.mjs <listenPort> <targetPort>
if (import.meta.url === `file://${process.argv[1]}`) {
  const [listen, target] = process.argv.slice(2).map(Number);
  const proxy = new FaultProxy({ port: listen || 0, targetPort: target });
  proxy.listen().then((port) => console.log(`fault proxy 127.0.0.1:${port} -> ${target}`));
}
