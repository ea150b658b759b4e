// /readyz: the gateway is ready only when every subgraph it routes to is ready (each checks its own
// database: its /readyz) and, when the gateway shares state through Redis (REDIS_URL), Redis answers.
// Results are kept for a second so frequent probes from several balancers cost one round of checks.
import Redis from 'ioredis';
import { serviceUrl } from '../protocol/internal-paths';

type State = 'up' | 'down';

export interface ReadinessReport {
  ready: boolean;
  subgraphs: Record<string, State>;
  redis?: State;
}

export interface Readiness {
  check(): Promise<ReadinessReport>;
  close(): Promise<void>;
}

const CACHE_MS = 1000;

export function createReadiness(options: { subgraphUrls: ReadonlyMap<string, string>; redisUrl?: string; timeoutMs?: number }): Readiness {
  const timeoutMs = options.timeoutMs ?? 1000;
  // Its own connection, opened on the first probe: a probe must not queue behind the limiter's or the
  // policy subscriber's traffic, and must fail fast rather than wait for a reconnection.
  const redis = options.redisUrl
    ? new Redis(options.redisUrl, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, connectTimeout: timeoutMs, retryStrategy: () => null })
    : undefined;
  redis?.on('error', () => undefined); // reported as "down" by the probe itself

  async function redisState(): Promise<State> {
    if (!redis) return 'up';
    try {
      // Not connected yet, or the connection was lost (no automatic retries): connect for this probe.
      if (redis.status === 'wait' || redis.status === 'end') await withTimeout(redis.connect(), timeoutMs);
      else if (redis.status !== 'ready') return 'down';
      return (await withTimeout(redis.ping(), timeoutMs)) === 'PONG' ? 'up' : 'down';
    } catch {
      return 'down';
    }
  }

  async function subgraphState(url: string): Promise<State> {
    try {
      const response = await fetch(serviceUrl(url, '/readyz'), { signal: AbortSignal.timeout(timeoutMs) });
      return response.ok ? 'up' : 'down';
    } catch {
      return 'down';
    }
  }

  let last: { at: number; report: Promise<ReadinessReport> } | undefined;
  async function run(): Promise<ReadinessReport> {
    const [entries, redisNow] = await Promise.all([Promise.all([...options.subgraphUrls].map(async ([name, url]) => [name, await subgraphState(url)] as const)), redisState()]);
    const subgraphs = Object.fromEntries(entries);
    const ready = entries.length > 0 && entries.every(([, state]) => state === 'up') && redisNow === 'up';
    return redis ? { ready, subgraphs, redis: redisNow } : { ready, subgraphs };
  }

  return {
    check() {
      if (!last || Date.now() - last.at >= CACHE_MS) last = { at: Date.now(), report: run() };
      return last.report;
    },
    async close() {
      redis?.disconnect();
    },
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), ms)))]).finally(() => clearTimeout(timer));
}
