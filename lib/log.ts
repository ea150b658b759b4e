// Structured JSON logs (pino). Personal identifiers never go into a log line: log keyed hashes or counts.
import pino from 'pino';

export function createLogger(name: string): pino.Logger {
  return pino({ name, level: process.env.LOG_LEVEL ?? 'info', base: { service: name } });
}
