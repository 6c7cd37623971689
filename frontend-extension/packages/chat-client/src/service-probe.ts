/** The REST probe after a failed attempt: browsers hide the upgrade's status, so ask a REST route what it was. */
import type { FetchLike } from './options.js';
import { parseServiceUnavailable, type ServiceState } from './protocol.js';

/**
 * What the probe learned: `refused` (the token or the origin; final) · `unavailable` (the Jupyter proxy's 503: the
 * service process is starting, restarting or stopped) · `unknown` (anything else, the network failing included).
 */
export type ProbeResult =
  | { kind: 'refused'; reason: string }
  | { kind: 'unavailable'; service: ServiceState; message: string }
  | { kind: 'unknown' };

const UNKNOWN: ProbeResult = { kind: 'unknown' };

/** `GET <restUrl>/api/conversations` with the attempt's token as a Bearer header; never rejects. */
export async function probeService(fetch: FetchLike, restUrl: string, token: string): Promise<ProbeResult> {
  try {
    const response = await fetch(restUrl + '/api/conversations', { headers: { Authorization: 'Bearer ' + token } });
    switch (response.status) {
      case 401:
        return { kind: 'refused', reason: 'the service refused the token (HTTP 401)' };
      case 403:
        return { kind: 'refused', reason: 'the service refused this origin (HTTP 403)' };
      case 503: {
        const body = parseServiceUnavailable(await response.json());
        return body ? { kind: 'unavailable', service: body.state, message: body.message } : UNKNOWN;
      }
      default:
        return UNKNOWN;
    }
  } catch {
    return UNKNOWN;
  }
}
