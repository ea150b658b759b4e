// Refuses a request that the gateway did not sign (see lib/signature.ts).
import type http from 'node:http';
import { GraphQLError } from 'graphql';
import { headerValue } from '../../lib/http/headers';
import { CALLER_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyRequest } from '../../lib/signature';

const header = (req: http.IncomingMessage, name: string): string => headerValue(req, name) ?? '';

export function requireGatewaySignature(secret: string, req: http.IncomingMessage, body: unknown): void {
  const payload = (typeof body === 'object' && body !== null ? body : {}) as { query?: unknown; variables?: unknown };
  const signed = verifyRequest(
    secret,
    {
      timestamp: header(req, TIMESTAMP_HEADER),
      caller: header(req, CALLER_HEADER),
      query: typeof payload.query === 'string' ? payload.query : '',
      variables: payload.variables,
    },
    header(req, SIGNATURE_HEADER) || undefined,
  );
  if (!signed) {
    throw new GraphQLError('请求未经网关签名，拒绝直接访问子图 / request not signed by the gateway: subgraphs are reachable only through it', {
      extensions: { code: 'UNSIGNED_REQUEST', http: { status: 401 } },
    });
  }
}
