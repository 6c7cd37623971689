import type { ClientFrame, ServerFrame, WebSocketLike } from '../../src/index.js';

/**
 * An in-memory WebSocket for tests that need no wire: the test plays the
 * server by calling `receive` and `serverClose`, and reads what was sent.
 */
export class FakeSocket implements WebSocketLike {
  static instances: FakeSocket[] = [];
  onmessage: ((ev: any) => void) | null = null;
  onclose: ((ev: any) => void) | null = null;
  onerror: ((ev: any) => void) | null = null;
  readonly sent: ClientFrame[] = [];
  closedWith?: number;
  /** A live link: every ping is answered with a pong (a microtask later, as from the network). */
  answersPings = true;

  constructor(readonly url: string) {
    FakeSocket.instances.push(this);
  }

  static reset(): void {
    FakeSocket.instances = [];
  }

  static get last(): FakeSocket {
    return FakeSocket.instances[FakeSocket.instances.length - 1];
  }

  send(data: string): void {
    const frame: ClientFrame = JSON.parse(data);
    this.sent.push(frame);
    if (frame.type === 'ping' && this.answersPings) queueMicrotask(() => this.receive({ type: 'pong', t: frame.t }));
  }

  close(code = 1000): void {
    this.closedWith = code;
  }

  /** Frames sent of one type. */
  sentOf<T extends ClientFrame['type']>(type: T): Array<Extract<ClientFrame, { type: T }>> {
    return this.sent.filter((f) => f.type === type) as any;
  }

  receive(frame: ServerFrame | Record<string, unknown>): void {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }

  /** The server's welcome. */
  welcome(heartbeatIntervalMs = 15_000, heartbeatTimeoutMs = 45_000, extra: Record<string, unknown> = {}): void {
    this.receive({
      type: 'welcome',
      protocol: 1,
      connectionId: 'c',
      heartbeatIntervalMs,
      heartbeatTimeoutMs,
      model: { provider: 'demo', name: 'demo-model', demo: true },
      ...extra,
    });
  }

  /** The connection ends (a refused or dropped one: 1006). */
  serverClose(code = 1006): void {
    this.onerror?.({});
    this.onclose?.({ code, reason: '' });
  }
}
