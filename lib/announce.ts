// The one line a process prints when it listens, whatever the log level: launchers (lib/launch.ts)
// learn ports from it.
export function announceListening(service: string, url: string, extra: Record<string, unknown> = {}): void {
  process.stdout.write(`${JSON.stringify({ event: 'listening', service, url, ...extra })}\n`);
}

/** The URL a listening line announces; undefined for any other line. */
export function listeningUrlOf(line: string): string | undefined {
  if (!line.includes('"listening"')) return undefined; // most lines are logs: skip parsing them
  try {
    const entry = JSON.parse(line) as { event?: unknown; url?: unknown };
    return entry.event === 'listening' && typeof entry.url === 'string' ? entry.url : undefined;
  } catch {
    return undefined;
  }
}
