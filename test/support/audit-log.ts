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
