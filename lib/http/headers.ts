// One request header as a single string (Node gives string[] for repeated ones: the first counts).
import type http from 'node:http';

export function headerValue(req: http.IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
