// Signed GETs to the platform's internal endpoints (policy state, operation safelist): the platform
// answers only requests signed with the gateway's secret over their target, each once.
import { PLATFORM_AUDIENCE, signatureHeaders } from '../lib/signature';

export class PlatformUnavailable extends Error {}

export interface PlatformReaderOptions {
  /** The platform's GraphQL URL, known once the gateway has loaded its supergraph. */
  platformUrl: () => string | undefined;
  secret: string;
  timeoutMs?: number;
}

/** Reads `path` (with `params`) from the platform as JSON; any failure throws PlatformUnavailable. */
export async function readFromPlatform<T>(options: PlatformReaderOptions, caller: string, path: string, params: Record<string, string> = {}): Promise<T> {
  const base = options.platformUrl();
  if (!base) throw new PlatformUnavailable('platform URL unknown');
  const url = new URL(base);
  url.pathname = url.pathname.replace(/\/graphql$/, '') + path;
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  const target = `${url.pathname}${url.search}`;
  let response: Response;
  try {
    response = await fetch(url, {
      headers: signatureHeaders(options.secret, { audience: PLATFORM_AUDIENCE, method: 'GET', path: target, caller, body: '' }),
      signal: AbortSignal.timeout(options.timeoutMs ?? 1500),
    });
  } catch (error) {
    throw new PlatformUnavailable((error as Error).message);
  }
  if (!response.ok) throw new PlatformUnavailable(`platform answered ${response.status}`);
  try {
    return (await response.json()) as T;
  } catch (error) {
    throw new PlatformUnavailable(`platform answered malformed JSON: ${(error as Error).message}`);
  }
}
