// The one line a process prints when it listens, whatever the log level: scripts/start.ts (and the
// tests through it) learn ports from it.
export function announceListening(service: string, url: string, extra: Record<string, unknown> = {}): void {
  process.stdout.write(`${JSON.stringify({ event: 'listening', service, url, ...extra })}\n`);
}
