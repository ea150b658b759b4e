// The request id: a client's (or the gateway's, towards a subgraph) x-request-id when it is well-formed,
// so one id follows a request across the client, the gateway, the subgraphs and the logs; otherwise a
// fresh one. Bounded and plain so it can go into logs and headers as is. The audit keeps it as a
// correlation field only: records are identified by their chain position, never by this id.
import crypto from 'node:crypto';
import type http from 'node:http';

const WELL_FORMED = /^[A-Za-z0-9._:/-]{8,128}$/;

export function requestIdOf(req: http.IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && WELL_FORMED.test(given) ? given : crypto.randomUUID();
}
