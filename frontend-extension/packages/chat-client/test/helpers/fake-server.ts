import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ClientFrame, DoneStatus, ErrorInfo, ServerFrame, ServiceState } from '../../src/index.js';
import { AsyncQueue } from './async-queue.js';

/** A frame the server received, with the connection it came on. */
export interface Received {
  conn: Conn;
  frame: ClientFrame;
}

/** One client connection to the fake server. */
export class Conn {
  readonly closed: Promise<{ code: number }>;
  constructor(
    readonly index: number,
    readonly socket: WebSocket,
    private readonly server: FakeServer,
  ) {
    this.closed = new Promise((r) => socket.on('close', (code) => r({ code })));
  }

  get open(): boolean {
    return this.socket.readyState === this.socket.OPEN;
  }

  send(frame: ServerFrame | Record<string, unknown>): void {
    if (this.open && !this.server.silent) this.socket.send(JSON.stringify(frame));
  }

  /** Ends the TCP connection without a close frame (code 1006 on the client). */
  terminate(): void {
    this.socket.terminate();
  }

  close(code: number, reason?: string): void {
    this.socket.close(code, reason);
  }
}

/** A completion as the fake service keeps it: chunks by seq, and who follows it. */
export class ServerCompletion {
  readonly chunks: string[] = [];
  status: 'running' | DoneStatus = 'running';
  lastSeq = 0;
  readonly followers = new Set<Conn>();

  constructor(
    readonly id: string,
    readonly conversationId: string,
    readonly messageId: string,
    readonly clientMessageId: string,
    readonly text: string,
  ) {}

  /** Stores and streams chunks to every follower. */
  push(...deltas: string[]): void {
    for (const delta of deltas) {
      this.chunks.push(delta);
      this.lastSeq = this.chunks.length;
      this.each((c) => c.send({ type: 'chunk', completionId: this.id, seq: this.lastSeq, delta }));
    }
  }

  /** Ends the completion; `lastSeq` below the chunks sent drops the tail, as a crash would. */
  finish(status: DoneStatus = 'completed', lastSeq = this.chunks.length, error?: ErrorInfo): void {
    this.status = status;
    this.chunks.length = lastSeq;
    this.lastSeq = lastSeq;
    this.each((c) => c.send(this.done(error)));
  }

  done(error?: ErrorInfo): ServerFrame {
    return { type: 'done', completionId: this.id, status: this.status as DoneStatus, lastSeq: this.lastSeq, messageId: 'answer-' + this.messageId, error };
  }

  /** What the history shows: the deltas of seq 1..lastSeq. */
  get stored(): string {
    return this.chunks.join('');
  }

  private each(f: (c: Conn) => void): void {
    for (const c of this.followers) if (c.open) f(c);
  }
}

export interface FakeServerOptions {
  token?: string;
  heartbeatIntervalMs?: number;
  heartbeatTimeoutMs?: number;
}

/**
 * A small chat service that speaks PROTOCOL.md over a real socket on
 * 127.0.0.1: welcome, accepted with duplicate detection, chunks with seq,
 * done, ping/pong, resume replay, the REST probe; and the faults a test needs.
 */
export class FakeServer {
  token: string;
  /** Refuse upgrades and REST with this HTTP status (401 or 403). */
  refuse: 401 | 403 | null = null;
  /** Answer REST and upgrades with the Jupyter proxy's 503 and this body's state and message. */
  unavailable: { state: ServiceState; message: string } | null = null;
  /** Unreachable, as through a cut network: upgrades and REST requests are dropped without an answer. */
  unreachable = false;
  /** Send nothing at all (not even a welcome or a pong), as a blackholed link. */
  silent = false;
  /** The protocol version the welcome names. */
  protocol = 1;
  /** Store chat frames without answering `accepted` (an answer lost on the way). */
  holdAccepted = false;
  /** WebSocket upgrade requests seen (accepted or refused). */
  upgrades = 0;
  probes: Array<{ authorization?: string }> = [];
  readonly received = new AsyncQueue<Received>();
  readonly connections = new AsyncQueue<Conn>();
  readonly started = new AsyncQueue<ServerCompletion>();
  readonly completions = new Map<string, ServerCompletion>();
  private readonly byClientId = new Map<string, ServerCompletion>();
  private readonly conns: Conn[] = [];
  private http!: Server;
  private wss!: WebSocketServer;
  private n = 0;

  private constructor(private readonly options: FakeServerOptions) {
    this.token = options.token ?? 'secret-token';
  }

  static async start(options: FakeServerOptions = {}): Promise<FakeServer> {
    const s = new FakeServer(options);
    await s.listen();
    return s;
  }

  get port(): number {
    return (this.http.address() as AddressInfo).port;
  }

  get url(): string {
    return `ws://127.0.0.1:${this.port}/api/chat`;
  }

  /** The newest connection. */
  get latest(): Conn {
    return this.conns[this.conns.length - 1];
  }

  /** Every connection still open. */
  get openConnections(): Conn[] {
    return this.conns.filter((c) => c.open);
  }

  /** Takes the next received frame of this type (others stay queued). */
  async next<T extends ClientFrame['type']>(type: T): Promise<Extract<ClientFrame, { type: T }> & { conn: Conn }> {
    const r = await this.received.take((x) => x.frame.type === type, `a ${type} frame`);
    return Object.assign({ conn: r.conn }, r.frame) as any;
  }

  /** Cuts the network: open connections deliver nothing, new ones and REST requests are dropped. */
  cut(): void {
    this.silent = this.unreachable = true;
  }

  /** The network is back. */
  restore(): void {
    this.silent = this.unreachable = false;
  }

  /** Drops every open connection: abruptly (1006 on the client) or with a close code. */
  dropAll(code?: number, reason?: string): void {
    for (const c of this.openConnections) (code ? c.close(code, reason) : c.terminate());
  }

  async close(): Promise<void> {
    for (const c of this.conns) c.terminate();
    this.wss.close();
    this.http.closeAllConnections();
    await new Promise<void>((r) => this.http.close(() => r()));
  }

  private listen(): Promise<void> {
    this.wss = new WebSocketServer({ noServer: true });
    this.http = createServer((req, res) => {
      if (this.unreachable) {
        req.socket.destroy();
      } else if (req.url?.startsWith('/api/conversations')) {
        this.probes.push({ authorization: req.headers.authorization });
        if (this.unavailable) {
          res.writeHead(503, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ code: 'unavailable', ...this.unavailable }));
          return;
        }
        const status = this.refuse ?? (req.headers.authorization === 'Bearer ' + this.token ? 200 : 401);
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(status === 200 ? '[]' : JSON.stringify({ code: 'unauthorized', message: 'no' }));
      } else {
        res.writeHead(404).end();
      }
    });
    this.http.on('upgrade', (req: IncomingMessage, socket, head) => {
      this.upgrades++;
      if (this.unreachable) {
        socket.destroy();
        return;
      }
      const u = new URL(req.url ?? '/', 'http://x');
      const status = this.refuse ?? (this.unavailable ? 503 : null) ?? (u.searchParams.get('token') === this.token ? null : 401);
      if (u.pathname !== '/api/chat' || status) {
        socket.end(`HTTP/1.1 ${status ?? 404} Refused\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
    });
    return new Promise((r) => this.http.listen(0, '127.0.0.1', () => r()));
  }

  private accept(ws: WebSocket): void {
    const conn = new Conn(this.conns.length + 1, ws, this);
    this.conns.push(conn);
    conn.send({
      type: 'welcome',
      protocol: this.protocol,
      connectionId: 'conn-' + conn.index,
      heartbeatIntervalMs: this.options.heartbeatIntervalMs ?? 15_000,
      heartbeatTimeoutMs: this.options.heartbeatTimeoutMs ?? 45_000,
      model: { provider: 'demo', name: 'demo-model', demo: true },
    });
    ws.on('message', (data) => this.onFrame(conn, JSON.parse(String(data)) as ClientFrame));
    this.connections.push(conn);
  }

  private onFrame(conn: Conn, f: ClientFrame): void {
    this.received.push({ conn, frame: f });
    switch (f.type) {
      case 'ping':
        conn.send({ type: 'pong', t: f.t });
        break;
      case 'chat': {
        const old = this.byClientId.get(f.clientMessageId);
        const c = old ?? this.create(f.clientMessageId, f.conversationId, f.text);
        if (!old) c.followers.add(conn);
        if (!this.holdAccepted)
          conn.send({ type: 'accepted', clientMessageId: f.clientMessageId, conversationId: c.conversationId, messageId: c.messageId, completionId: c.id, duplicate: !!old });
        if (!old) this.started.push(c);
        break;
      }
      case 'resume': {
        const c = this.completions.get(f.completionId);
        if (!c) {
          conn.send({ type: 'error', code: 'not_found', message: 'no such completion', retryable: false, ref: f.completionId });
          break;
        }
        c.chunks.forEach((delta, i) => i + 1 > f.afterSeq && conn.send({ type: 'chunk', completionId: c.id, seq: i + 1, delta }));
        if (c.status !== 'running') conn.send(c.done());
        else c.followers.add(conn);
        break;
      }
      case 'cancel': {
        const c = this.completions.get(f.completionId);
        if (c?.status === 'running') c.finish('cancelled');
        break;
      }
    }
  }

  private create(clientMessageId: string, conversationId: string | undefined, text: string): ServerCompletion {
    const k = ++this.n;
    const c = new ServerCompletion('cmp-' + k, conversationId ?? 'conv-' + k, 'msg-' + k, clientMessageId, text);
    this.completions.set(c.id, c);
    this.byClientId.set(clientMessageId, c);
    return c;
  }
}
