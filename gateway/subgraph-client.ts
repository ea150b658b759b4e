// The gateway's requests to subgraphs, each signed so subgraphs can refuse anything that did not
// come through the policy (see protocol/signature.ts). Keep-alive connections are reused.
import { RemoteGraphQLDataSource } from '@apollo/gateway';
import { GraphQLDataSourceRequestKind } from '../lib/package-internals';
import { GraphQLError } from 'graphql';
import { CALLER_HEADER, signatureHeaders } from '../protocol/signature';
import type { GatewayMetrics } from './metrics';
import { claimOf, type RequestRecord } from './request-record';
import { createLogger } from '../lib/log';
import { injectTraceHeaders } from '../lib/tracing';

const breakerLog = createLogger('gateway');

export interface ResilienceSettings {
  /** A subgraph call taking longer is abandoned (SUBGRAPH_TIMEOUT_MS). */
  timeoutMs: number;
  /** Consecutive failures that open the circuit (BREAKER_FAILURES). */
  breakerFailures: number;
  /** How long an open circuit fails fast before one call is let through again (BREAKER_COOLDOWN_MS). */
  breakerCooldownMs: number;
  /** Identical queries of the same caller in flight at once share one subgraph call (SUBGRAPH_DEDUPE). */
  dedupeInFlight: boolean;
}

export const DEFAULT_RESILIENCE: ResilienceSettings = { timeoutMs: 10_000, breakerFailures: 5, breakerCooldownMs: 5_000, dedupeInFlight: true };

type ProcessOptions = Parameters<RemoteGraphQLDataSource<RequestRecord>['process']>[0];
type SubgraphResponse = Awaited<ReturnType<RemoteGraphQLDataSource['process']>>;

export class SignedDataSource extends RemoteGraphQLDataSource<RequestRecord> {
  private failures = 0;
  private openUntil = 0;
  /** Subgraph calls in flight, by caller claim, query and variables (see `process`). */
  private readonly inFlight = new Map<string, Promise<SubgraphResponse>>();

  constructor(
    private readonly subgraph: string,
    url: string,
    private readonly secret: string | undefined,
    private readonly metrics: Pick<GatewayMetrics, 'subgraphRequestSeconds'>,
    private readonly resilience: ResilienceSettings = DEFAULT_RESILIENCE,
  ) {
    // Node's own fetch (undici, keep-alive pool): the gateway's default client costs ~10% of its CPU.
    // Every call carries a deadline, so a hung subgraph costs a bounded wait, not a stuck request.
    // Signed here, on the bytes actually sent, with a nonce per HTTP call (shared in-flight reads and
    // entity batches are one call each; see protocol/signature.ts).
    super({
      url,
      fetcher: ((input: string, init: RequestInit & { headers: Record<string, string>; body: string }) => {
        const headers = secret
          ? { ...init.headers, ...signatureHeaders(secret, { audience: subgraph, method: init.method ?? 'POST', path: pathOf(input), caller: init.headers[CALLER_HEADER] ?? '', body: init.body }) }
          : init.headers;
        return fetch(input, { ...init, headers, signal: AbortSignal.timeout(resilience.timeoutMs) });
      }) as never,
    });
  }

  override async process(options: ProcessOptions): Promise<SubgraphResponse> {
    // Identical reads in flight at once share one call — only for the same caller claim (identity,
    // scenario, division scope: everything a subgraph's answer may depend on), never for mutations.
    // Each waiter gets its own copy, as the gateway merges later fetches into what it receives.
    if (!this.resilience.dedupeInFlight || options.kind !== GraphQLDataSourceRequestKind.INCOMING_OPERATION || options.request.query?.trimStart().startsWith('mutation')) {
      return this.processGuarded(options);
    }
    const key = `${claimOf(options.context as RequestRecord | undefined)}\n${options.request.query}\n${JSON.stringify(options.request.variables ?? {})}`;
    const shared = this.inFlight.get(key);
    if (shared) return copyOfResponse(await shared);
    const call = this.processGuarded(options).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, call);
    return call;
  }

  private async processGuarded(options: ProcessOptions): Promise<SubgraphResponse> {
    // Circuit breaker: after repeated failures the subgraph is given a rest and answered for at once;
    // the other subgraphs' data still arrives (partial data with a coded error).
    if (Date.now() < this.openUntil) {
      throw new GraphQLError(`子图「${this.subgraph}」暂不可用 / subgraph ${this.subgraph} is unavailable, retry shortly`, {
        extensions: { code: 'SUBGRAPH_UNAVAILABLE', subgraph: this.subgraph, reason: 'CIRCUIT_OPEN' },
      });
    }
    const requestId = (options.context as RequestRecord | undefined)?.requestId;
    try {
      const response = await this.processWithMetrics(options);
      if (this.failures >= this.resilience.breakerFailures) breakerLog.info({ subgraph: this.subgraph, requestId }, 'circuit closed: the subgraph answers again');
      this.failures = 0;
      return response;
    } catch (error) {
      this.failures += 1;
      if (this.failures >= this.resilience.breakerFailures) {
        if (Date.now() >= this.openUntil) breakerLog.warn({ subgraph: this.subgraph, requestId, failures: this.failures, cooldownMs: this.resilience.breakerCooldownMs, err: (error as Error).message }, 'circuit opened: the subgraph is answered for at once until the cooldown ends');
        this.openUntil = Date.now() + this.resilience.breakerCooldownMs;
      }
      // A refused connection, a reset or a deadline is the subgraph being unavailable: say so with a
      // code, not with the HTTP client's own words ("fetch failed"). So is a subgraph refusing the
      // signed call (401; 503 while its nonce store is down) or failing (5xx): the client gets the
      // code, never the subgraph's URL, status and body that @apollo/gateway puts in the error.
      const status = error instanceof GraphQLError ? (error.extensions.response as { status?: unknown } | undefined)?.status : undefined;
      const refused = typeof status === 'number' && (status === 401 || status >= 500);
      if (error instanceof GraphQLError && !refused) throw error;
      throw new GraphQLError(`子图「${this.subgraph}」暂不可用 / subgraph ${this.subgraph} is unavailable, retry shortly`, {
        extensions: { code: 'SUBGRAPH_UNAVAILABLE', subgraph: this.subgraph, reason: refused ? (status === 401 ? 'REFUSED' : 'FAILED') : 'UNREACHABLE' },
      });
    }
  }

  private async processWithMetrics(options: ProcessOptions) {
    const stop = this.metrics.subgraphRequestSeconds.startTimer({ subgraph: this.subgraph });
    try {
      const representations = options.request.variables?.representations;
      if (!Array.isArray(representations) || representations.length < 2) return await super.process(options);
      // @apollo/gateway sends every representation as planned, duplicates included: send each
      // distinct one once and give every original position its answer.
      const { unique, positions } = deduplicate(representations);
      if (unique.length === representations.length) return await super.process(options);
      const response = await super.process({
        ...options,
        request: { ...options.request, variables: { ...options.request.variables, representations: unique } },
      });
      return expandEntities(response, positions);
    } finally {
      stop();
    }
  }

  override willSendRequest({ request, context }: Parameters<NonNullable<RemoteGraphQLDataSource<RequestRecord>['willSendRequest']>>[0]): void {
    const requestId = (context as RequestRecord | undefined)?.requestId;
    if (requestId && request.http) request.http.headers.set('x-request-id', requestId);
    // The trace continues in the subgraph (the active span is @apollo/gateway's gateway.fetch).
    if (request.http) injectTraceHeaders((name, value) => request.http!.headers.set(name, value));
    // The caller claim travels as a header, covered by the signature the fetcher adds.
    if (!this.secret || !request.http) return;
    request.http.headers.set(CALLER_HEADER, claimOf(context as RequestRecord | undefined));
  }
}

const pathOf = (url: string): string => {
  const parsed = new URL(url);
  return `${parsed.pathname}${parsed.search}`;
};

/** Distinct representations, and for each original position the index of its distinct one. */
export function deduplicate(representations: readonly unknown[]): { unique: unknown[]; positions: number[] } {
  const index = new Map<string, number>();
  const unique: unknown[] = [];
  const positions = representations.map((representation) => {
    const key = JSON.stringify(representation);
    let at = index.get(key);
    if (at === undefined) {
      at = unique.push(representation) - 1;
      index.set(key, at);
    }
    return at;
  });
  return { unique, positions };
}


/** Maps an _entities answer for distinct representations back onto the original positions. */
export function expandEntities(response: SubgraphResponse, positions: readonly number[]): SubgraphResponse {
  const entities = (response.data as { _entities?: unknown[] } | null | undefined)?._entities;
  if (!Array.isArray(entities)) return response;
  const errors = response.errors?.flatMap((error) => {
    const path = error.path;
    if (!path || path[0] !== '_entities' || typeof path[1] !== 'number') return [error];
    // An error of one distinct entity belongs to every position that asked for it.
    return positions.flatMap((at, original) => (at === path[1] ? [{ ...error, path: ['_entities', original, ...path.slice(2)] }] : []));
  });
  return { ...response, data: { ...response.data, _entities: positions.map((at) => entities[at]) }, ...(errors ? { errors } : {}) };
}

/**
 * A waiter's own copy of a shared subgraph response. The body is plain data (structuredClone); the
 * fetch Headers are copied apart, as structuredClone refuses them on Node 24 (DataCloneError).
 */
function copyOfResponse(response: SubgraphResponse): SubgraphResponse {
  const { http, ...body } = response;
  if (!http) return structuredClone(body);
  // A Headers object of its own (the fetch one; @apollo/gateway reads it through FetcherHeaders).
  const headers = new Headers();
  const entries = http.headers.entries();
  for (let entry = entries.next(); !entry.done; entry = entries.next()) headers.append(entry.value[0], entry.value[1]);
  return { ...structuredClone(body), http: { ...http, headers: headers as unknown as typeof http.headers } };
}
