/**
 * Where the panel connects: the Jupyter proxy (default) or a service the user
 * runs elsewhere (settings `serviceUrl` + `token`). Pure: no network here.
 */
import { restBaseFromWsUrl } from '@mooring/chat-client';

/** The panel's settings (schema/plugin.json). */
export interface MooringSettings {
  /** ws(s) URL of a service's /api/chat; empty: through Jupyter. */
  serviceUrl: string;
  /** That service's token; ignored through Jupyter. */
  token: string;
  /** Reconnect budget in ms (the client's `retryBudgetMs`); absent: the client's default. */
  retryBudgetMs?: number;
}

export const DEFAULT_SETTINGS: MooringSettings = { serviceUrl: '', token: '' };

/** What Jupyter's ServerConnection settings give us. */
export interface JupyterServerInfo {
  /** e.g. http://127.0.0.1:8888/lab-base/ (ends with /). */
  baseUrl: string;
  /** e.g. ws://127.0.0.1:8888/lab-base/ (ends with /). */
  wsUrl: string;
}

/** How to reach the chat service. */
export interface ConnectionTarget {
  /** true: through Jupyter's proxy, authenticated as the Jupyter user. */
  viaJupyter: boolean;
  /** ws(s) URL of /api/chat. */
  url: string;
  /** The base that REST paths (`/api/conversations`) are appended to. */
  restUrl: string;
  /** The service token (external service only). */
  token: string;
}

const withSlash = (u: string): string => (u.endsWith('/') ? u : u + '/');

/** Read raw settings (from the registry's composite) into {@link MooringSettings}. */
export function readSettings(raw: Partial<Record<string, unknown>> | undefined): MooringSettings {
  const str = (v: unknown): string => (typeof v === 'string' ? v.trim() : '');
  const settings: MooringSettings = { serviceUrl: str(raw?.serviceUrl), token: str(raw?.token) };
  const budget = raw?.retryBudgetMs;
  if (typeof budget === 'number' && Number.isFinite(budget) && budget > 0) {
    settings.retryBudgetMs = budget;
  }
  return settings;
}

/** Converts an http(s) service URL to its ws(s) /api/chat URL; leaves ws(s) URLs as they are. */
export function normaliseServiceUrl(serviceUrl: string): string {
  let url = serviceUrl.trim();
  if (/^https?:/i.test(url)) {
    url = url.replace(/^http/i, 'ws');
  }
  if (!/\/api\/chat\/?$/.test(url)) {
    url = withSlash(url) + 'api/chat';
  }
  return url;
}

/** Decide where to connect from the settings and Jupyter's own URLs. */
export function resolveTarget(settings: MooringSettings, server: JupyterServerInfo): ConnectionTarget {
  if (settings.serviceUrl) {
    const url = normaliseServiceUrl(settings.serviceUrl);
    return { viaJupyter: false, url, restUrl: restBaseFromWsUrl(url), token: settings.token };
  }
  return {
    viaJupyter: true,
    url: withSlash(server.wsUrl) + 'mooring/api/chat',
    restUrl: withSlash(server.baseUrl) + 'mooring',
    token: ''
  };
}

/**
 * Through Jupyter a 401/403 comes from Jupyter's own login (the service token never
 * leaves the server), so say that rather than blaming the service's token or origin.
 */
export function explainProxyFailure(reason: string): string {
  if (/\b(401|403)\b/.test(reason)) {
    return 'Jupyter refused this page\'s login (the Jupyter server restarted or the session expired): reload the page, then Retry now';
  }
  return reason;
}
