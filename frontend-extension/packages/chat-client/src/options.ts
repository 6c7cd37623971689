/** The client's options: their defaults, and everything environmental that a test or a host can inject. */
import { restBaseFromWsUrl } from './protocol.js';

/** The part of a WebSocket the client uses: the browser's, or `ws` in Node. */
export interface WebSocketLike {
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason?: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
}

/** A WebSocket constructor. */
export type WebSocketConstructor = new (url: string) => WebSocketLike;

/** The part of a `fetch` answer the REST probe reads. */
export interface ProbeResponse {
  status: number;
  json(): Promise<unknown>;
}

/** The part of `fetch` the REST probe uses. */
export type FetchLike = (url: string, init: { headers: Record<string, string> }) => Promise<ProbeResponse>;

/** Timers; a handle is whatever `setTimeout` answers. */
export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Where the client writes what it does. */
export interface Logger {
  debug(message: string, ...data: unknown[]): void;
  warn(message: string, ...data: unknown[]): void;
}

/** The browser's hints about the network and the page. Each subscribes a listener and answers its unsubscriber. */
export interface ChatEnvironment {
  /** The network came back (`online`): attempt at once. */
  onOnline?(listener: () => void): () => void;
  /** The network went away (`offline`): the connection is shown lost at once. */
  onOffline?(listener: () => void): () => void;
  /** The page became visible again (`visibilitychange`): check the link, attempt at once. */
  onVisible?(listener: () => void): () => void;
}

/** The default of every numeric option. */
export const DEFAULTS = {
  /** First backoff ceiling (ms). */
  baseDelayMs: 500,
  /** Largest backoff ceiling (ms). */
  maxDelayMs: 30_000,
  /** Largest backoff ceiling (ms) while the proxy says the service is starting or restarting. */
  serviceStartingMaxDelayMs: 2_000,
  /** How long (ms since the connection was lost) attempts go on before `failed`. */
  retryBudgetMs: 300_000,
  /** A connection up this long (ms) resets the backoff and the budget. */
  stableAfterMs: 10_000,
  /** An attempt (or its REST probe) not done within this (ms) is given up. */
  connectTimeoutMs: 10_000,
  /** Silence (ms) after which a connection counts as dead, until `welcome` gives its own. */
  heartbeatTimeoutMs: 45_000,
  /** How often (ms) the client pings, until `welcome.heartbeatIntervalMs` gives its own. */
  pingIntervalMs: 15_000,
  /** Silence (ms) while an answer is in flight after which the client probes the link with a `ping`. */
  probeAfterMs: 3_000,
  /** How long (ms) a `ping` may go without any frame arriving before the link counts as dead. */
  probeTimeoutMs: 3_000,
  /** Silence (ms) of one answer, on a link that answers, after which it shows `stalled`. */
  stallAfterMs: 20_000,
  /** How often (ms) the wall clock is checked (liveness, probes, stalls, retries). */
  checkIntervalMs: 1_000,
  /** How many messages may wait for acceptance; past that `send` fails with `queue_full`. */
  maxQueued: 100,
  /** The largest frame (UTF-8 bytes) the service takes, until `welcome.maxFrameBytes` says; a larger question fails at once. */
  maxFrameBytes: 262_144,
};

/** The numeric options. */
export type Settings = typeof DEFAULTS;

/** Options of a `ChatClient`; all but `url` and `token` have defaults. */
export interface ChatClientOptions extends Partial<Settings> {
  /** The ws(s) URL of `/api/chat`. */
  url: string;
  /** The service token, or a provider called before each attempt. Sent as the `token` query parameter. */
  token: string | (() => string | Promise<string>);
  /** Base of the REST routes; default: derived from `url` (ws->http, wss->https, without `/api/chat`). */
  restUrl?: string;
  /** Default: `globalThis.WebSocket`. */
  WebSocket?: WebSocketConstructor;
  /** For the REST probe after a failed attempt; default `globalThis.fetch`; null: no probe. */
  fetch?: FetchLike | null;
  /** The wall clock, epoch ms. Default `Date.now`. */
  now?: () => number;
  /** Default: the global `setTimeout`/`clearTimeout`. */
  timers?: Timers;
  /** Source of jitter in [0, 1). Default `Math.random`. */
  random?: () => number;
  /** Makes clientMessageIds. Default `crypto.randomUUID`, with a fallback. */
  uuid?: () => string;
  /** Default: debug dropped, warn to the console. */
  logger?: Logger;
  /** Default: `window`/`document` where present; null: none. */
  environment?: ChatEnvironment | null;
}

/** The options with every default filled in. */
export interface ClientSettings extends Settings {
  url: string;
  /** The REST base, without a trailing slash. */
  restUrl: string;
  token: string | (() => string | Promise<string>);
  WebSocket: WebSocketConstructor;
  fetch?: FetchLike;
  now: () => number;
  timers: Timers;
  random: () => number;
  uuid: () => string;
  logger: Logger;
  environment?: ChatEnvironment;
}

/** A v4 UUID: `crypto.randomUUID` where it exists (secure pages), else from `getRandomValues`, else `Math.random`. */
export function randomUuid(): string {
  const crypto = globalThis.crypto;
  if (crypto?.randomUUID) return crypto.randomUUID();
  const bytes = new Uint8Array(16);
  for (let i = 0; i < 16; i++) bytes[i] = Math.random() * 256;
  crypto?.getRandomValues?.(bytes);
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (byte) => (byte + 256).toString(16).slice(1)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The browser's `online`/`offline` events and `visibilitychange`; none outside a browser. */
export function browserEnvironment(): ChatEnvironment | undefined {
  const target = globalThis as Partial<Window & typeof globalThis>;
  const page = target.document;
  if (!target.addEventListener || !page) return undefined;
  const on = (source: EventTarget, name: string, listener: () => void) => {
    source.addEventListener(name, listener);
    return () => source.removeEventListener(name, listener);
  };
  const onWindow = (name: string) => (listener: () => void) => on(globalThis, name, listener);
  return {
    onOnline: onWindow('online'),
    onOffline: onWindow('offline'),
    onVisible: (listener) => on(page, 'visibilitychange', () => page.visibilityState === 'visible' && listener()),
  };
}

const numericKeys = Object.keys(DEFAULTS) as Array<keyof Settings>;

/** Fills in the defaults. Throws a TypeError for a URL that is not one, or where no WebSocket exists. */
export function resolveOptions(options: ChatClientOptions): ClientSettings {
  const url = new URL(options.url).href; // a TypeError for a malformed URL, at once
  const WebSocket = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (!WebSocket) throw new TypeError('mooring: no WebSocket here; pass options.WebSocket');
  const settings: Settings = { ...DEFAULTS };
  for (const key of numericKeys) settings[key] = options[key] ?? DEFAULTS[key];
  const fetch = options.fetch === undefined ? globalThis.fetch : options.fetch;
  return {
    ...settings,
    url,
    restUrl: (options.restUrl ?? restBaseFromWsUrl(url)).replace(/\/$/, ''),
    token: options.token,
    WebSocket,
    fetch: fetch ? (address, init) => fetch(address, init) : undefined, // called unbound: window.fetch wants no `this`
    now: options.now ?? (() => Date.now()),
    timers: options.timers ?? { setTimeout: (callback, ms) => setTimeout(callback, ms), clearTimeout: (handle) => clearTimeout(handle as number) },
    random: options.random ?? Math.random,
    uuid: options.uuid ?? randomUuid,
    logger: options.logger ?? { debug() {}, warn: (...data) => console.warn(...data) },
    environment: options.environment === undefined ? browserEnvironment() : (options.environment ?? undefined),
  };
}
