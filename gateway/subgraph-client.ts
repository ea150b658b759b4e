// The gateway's requests to subgraphs, each signed so subgraphs can refuse anything that did not
// come through the policy (see lib/signature.ts). Keep-alive connections are reused.
import { RemoteGraphQLDataSource } from '@apollo/gateway';
import { callerClaimOf, encodeCallerClaim } from '../lib/caller-header';
import { CALLER_HEADER, SIGNATURE_HEADER, signRequest, TIMESTAMP_HEADER } from '../lib/signature';
import type { GatewayContext } from './context';
import { subgraphRequestSeconds } from './metrics';

function callerSummary(context: Partial<GatewayContext> | undefined): string {
  const identity = context?.identity;
  return encodeCallerClaim(identity ? callerClaimOf(identity.caller, identity.scenario, context?.divisionScope) : { kind: 'system' });
}

export class SignedDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(private readonly subgraph: string, url: string, private readonly secret: string | undefined) {
    super({ url });
  }

  override async process(options: Parameters<RemoteGraphQLDataSource<GatewayContext>['process']>[0]) {
    const stop = subgraphRequestSeconds.startTimer({ subgraph: this.subgraph });
    try {
      return await super.process(options);
    } finally {
      stop();
    }
  }

  override willSendRequest({ request, context }: Parameters<NonNullable<RemoteGraphQLDataSource<GatewayContext>['willSendRequest']>>[0]): void {
    if (!this.secret || !request.http) return;
    const timestamp = String(Date.now());
    const caller = callerSummary(context as Partial<GatewayContext>);
    request.http.headers.set(TIMESTAMP_HEADER, timestamp);
    request.http.headers.set(CALLER_HEADER, caller);
    request.http.headers.set(SIGNATURE_HEADER, signRequest(this.secret, { timestamp, caller, query: request.query ?? '', variables: request.variables }));
  }
}
