// /readyz: the gateway is ready only when every subgraph it routes to answers its health check.
import { serviceUrl } from '../protocol/internal-paths';

export interface ReadinessReport {
  ready: boolean;
  subgraphs: Record<string, 'up' | 'down'>;
}

export async function checkReadiness(subgraphUrls: ReadonlyMap<string, string>, timeoutMs = 1000): Promise<ReadinessReport> {
  const entries = await Promise.all(
    [...subgraphUrls].map(async ([name, url]) => {
      try {
        const response = await fetch(serviceUrl(url, '/healthz'), { signal: AbortSignal.timeout(timeoutMs) });
        return [name, response.ok ? 'up' : 'down'] as const;
      } catch {
        return [name, 'down'] as const;
      }
    }),
  );
  const subgraphs = Object.fromEntries(entries);
  return { ready: entries.length > 0 && entries.every(([, state]) => state === 'up'), subgraphs };
}
