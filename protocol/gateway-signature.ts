// A subgraph refuses, as a GraphQL error, a request that the gateway did not sign, that was altered,
// is too old, or was served before (see signature.ts and replay-guard.ts).
import type http from 'node:http';
import { GraphQLError } from 'graphql';
import { headerValue } from '../lib/http/headers';
import { REFUSALS, replayGuard, verifySignedRequest, type ReplayGuard } from './replay-guard';
import { CALLER_HEADER } from './signature';

/** `rawBody`: the request body exactly as received (the signature covers its bytes). */
export async function requireGatewaySignature(secret: string, audience: string, req: http.IncomingMessage, rawBody: string, guard: ReplayGuard = replayGuard()): Promise<void> {
  const check = await verifySignedRequest(guard, secret, req, { audience, caller: headerValue(req, CALLER_HEADER) ?? '', body: rawBody });
  if (check === 'VALID') return;
  const refusal = REFUSALS[check];
  throw new GraphQLError(refusal.message, { extensions: { code: refusal.code, http: { status: refusal.status } } });
}
