// The gateway's one client of the platform's internal endpoints (protocol/internal-paths.ts): where
// they are — the platform's routing URL, known once the supergraph is loaded — and signed GETs of
// policy state and the operation safelist. The platform answers only requests signed with the
// gateway's secret over their target, each once.
import { serviceUrl } from '../protocol/internal-paths';
import { PLATFORM_AUDIENCE, signatureHeaders } from '../protocol/signature';

export class PlatformUnavailable extends Error {}

export interface PlatformClientOptions {
  /** The platform's GraphQL URL, known once the gateway has loaded its supergraph. */
  platformUrl: () => string | undefined;
  secret: string;
  timeoutMs?: number;
}

export interface PlatformClient {
  /** Where an internal path is; undefined while the platform's URL is unknown. */
  urlOf(path: string): URL | undefined;
  /**
   * Reads `path` (with `params`) as JSON, signed for `caller` (the endpoint's purpose); any failure
   * throws PlatformUnavailable.
   */
  read<T>(caller: string, path: string, params?: Record<string, string>): Promise<T>;
  /** As `read`, but a 404 answer (nothing at that address) resolves with undefined. */
  readIfFound<T>(caller: string, path: string, params?: Record<string, string>): Promise<T | undefined>;
  /** Posts `body` as JSON to `path`, signed for `caller`; resolves with the JSON answer, any failure throws PlatformUnavailable. */
  send<T>(caller: string, path: string, body: unknown, timeoutMs?: number): Promise<T>;
}

/** One signed call: any failure to reach the platform, a refusal or a malformed answer is PlatformUnavailable. */
async function call<T>(url: URL, init: RequestInit, notFoundIsUndefined = false): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, init);
  } catch (error) {
    throw new PlatformUnavailable((error as Error).message);
  }
  if (response.status === 404 && notFoundIsUndefined) {
    await response.body?.cancel();
    return undefined as T;
  }
  if (!response.ok) throw new PlatformUnavailable(`platform answered ${response.status}`);
  try {
    return (await response.json()) as T;
  } catch (error) {
    throw new PlatformUnavailable(`platform answered malformed JSON: ${(error as Error).message}`);
  }
}

export function createPlatformClient(options: PlatformClientOptions): PlatformClient {
  const urlOf = (path: string) => {
    const base = options.platformUrl();
    return base === undefined ? undefined : serviceUrl(base, path);
  };
  const get = async <T>(caller: string, path: string, params: Record<string, string>, notFoundIsUndefined = false): Promise<T> => {
    const url = urlOf(path);
    if (!url) throw new PlatformUnavailable('platform URL unknown');
    for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
    const target = `${url.pathname}${url.search}`;
    return call<T>(
      url,
      {
        headers: signatureHeaders(options.secret, { audience: PLATFORM_AUDIENCE, method: 'GET', path: target, caller, body: '' }),
        signal: AbortSignal.timeout(options.timeoutMs ?? 1500),
      },
      notFoundIsUndefined,
    );
  };
  return {
    urlOf,
    async send<T>(caller: string, path: string, body: unknown, timeoutMs = options.timeoutMs ?? 1500): Promise<T> {
      const url = urlOf(path);
      if (!url) throw new PlatformUnavailable('platform URL unknown');
      const text = JSON.stringify(body);
      return call<T>(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...signatureHeaders(options.secret, { audience: PLATFORM_AUDIENCE, method: 'POST', path: url.pathname, caller, body: text }) },
        body: text,
        signal: AbortSignal.timeout(timeoutMs),
      });
    },
    read<T>(caller: string, path: string, params: Record<string, string> = {}): Promise<T> {
      return get<T>(caller, path, params);
    },
    readIfFound<T>(caller: string, path: string, params: Record<string, string> = {}): Promise<T | undefined> {
      return get<T | undefined>(caller, path, params, true);
    },
  };
}
