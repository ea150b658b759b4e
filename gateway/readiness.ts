// /readyz: the gateway is ready only when every subgraph it routes to answers its health check.

export interface ReadinessReport {
  ready: boolean;
  subgraphs: Record<string, 'up' | 'down'>;
}

function healthUrl(graphqlUrl: string): string {
  const url = new URL(graphqlUrl);
  url.pathname = url.pathname.replace(/\/graphql$/, '') + '/healthz';
  return url.toString();
}

export async function checkReadiness(subgraphUrls: ReadonlyMap<string, string>, timeoutMs = 1000): Promise<ReadinessReport> {
  const entries = await Promise.all(
    [...subgraphUrls].map(async ([name, url]) => {
      try {
        const response = await fetch(healthUrl(url), { signal: AbortSignal.timeout(timeoutMs) });
        return [name, response.ok ? 'up' : 'down'] as const;
      } catch {
        return [name, 'down'] as const;
      }
    }),
  );
  const subgraphs = Object.fromEntries(entries);
  return { ready: entries.length > 0 && entries.every(([, state]) => state === 'up'), subgraphs };
}
