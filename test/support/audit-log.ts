// Reads the audit log as an admin does, through a gateway: every request id recorded so far.
export async function recordedRequestIds(gatewayUrl: string, adminHeaders: Record<string, string>): Promise<Set<string>> {
  const recorded = new Set<string>();
  let after: string | null = null;
  do {
    const response: Response = await fetch(gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...adminHeaders },
      body: JSON.stringify({ query: 'query($after: String) { auditRecords(first: 1000, after: $after) { records { requestId } nextCursor } }', variables: { after } }),
      signal: AbortSignal.timeout(30_000),
    });
    const text: string = await response.text();
    const page: { records: { requestId: string }[]; nextCursor: string | null } | undefined = (JSON.parse(text) as { data?: { auditRecords?: { records: { requestId: string }[]; nextCursor: string | null } } }).data?.auditRecords;
    if (!page) throw new Error(`auditRecords failed: ${text.slice(0, 300)}`);
    for (const record of page.records) recorded.add(record.requestId);
    after = page.nextCursor;
  } while (after);
  return recorded;
}

/**
 * Reads the audit once through each of these gateways: a gateway answers an audit read only after its own
 * audit journal has reached the chain, so afterwards the log holds every answer these replicas gave.
 */
export async function settleJournals(gatewayUrls: readonly string[], adminHeaders: Record<string, string>): Promise<void> {
  for (const url of gatewayUrls) {
    const response = await fetch(url, {
      method: 'POST',
      headers: { ...adminHeaders, 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ auditRecords(first: 1) { records { seq } } }' }),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    if (!(JSON.parse(text) as { data?: { auditRecords?: unknown } }).data?.auditRecords) throw new Error(`audit read through ${url} failed: ${text.slice(0, 300)}`);
  }
}
