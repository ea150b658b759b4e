// Structured JSON logs (pino). Personal identifiers never go into a log line: log keyed hashes or counts.
import pino from 'pino';

export function createLogger(name: string): pino.Logger {
  return pino({ name, level: process.env.LOG_LEVEL ?? 'info', base: { service: name } });
}

/**
 * A warning for a store's errors (a lost PostgreSQL connection, Redis unreachable), at most one line per
 * `intervalMs` per logger, with how many were left out: an outage is seen in the logs without flooding
 * them. Only the error's message and code are logged (no query text, no parameters).
 */
export function storeErrorLogger(log: pino.Logger, store: string, intervalMs = 10_000): (error: unknown) => void {
  let last = 0;
  let suppressed = 0;
  return (error) => {
    if (Date.now() - last < intervalMs) {
      suppressed += 1;
      return;
    }
    last = Date.now();
    const { message, code } = (error ?? {}) as { message?: string; code?: string };
    log.warn({ store, err: message, code, suppressed }, `${store} error`);
    suppressed = 0;
  };
}
