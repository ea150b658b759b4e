// Identity probes (推断控制, issue 11 hole 1): inference control leaves at least 100 candidates for a
// masked identity number, but a caller who can look numbers up could sweep them — `persons(idNumbers:
// [...candidates])` answers which one exists, `verifyPersonIdentity` which one matches a plain name.
// Looked-up numbers that match no one and NO_MATCH verifications count against the institution's
// identity-probe budget (IDENTITY_PROBE_LIMIT per IDENTITY_PROBE_DURATION). A request whose misses go
// past it is withheld whole — the answer would say which candidates exist — and refused with 429; so
// is every identity lookup after it, until the window ends. Lookups that find people cost nothing, so
// batches of real numbers are never refused. Wraps the executor (after the policy) so that nothing of
// a withheld answer reaches the audit as returned.
import type { GatewayExecutor, GatewayGraphQLRequestContext, GatewayInterface } from '@apollo/server-gateway-interface';
import { wrapExecutor } from '../executor-wrapper';
import type { RequestRecord } from '../request-record';
import type { RootFieldArgument } from '../root-field-arguments';
import type { GatewayMetrics } from '../metrics';
import { deniedError, type RateDecision, type RateKey, type RateLimiter } from './rate-limits';

/** Root fields that look a person up by identity number(s) or verify one (the record's SUBJECT_ARGUMENTS). */
const PROBES = new Set(['person', 'persons', 'verifyPersonIdentity']);
const VERIFY = 'verifyPersonIdentity';

type Denial = Extract<RateDecision, { allowed: false }>;

/** How many of the asked numbers found no one (or were answered NO_MATCH), from the answer's data. */
function countMisses(data: Record<string, unknown> | null | undefined, probes: readonly RootFieldArgument[]): number {
  let misses = 0;
  const seen = new Set<string>(); // fields merged under one response key are answered once
  for (const { field, responseKey, value } of probes) {
    if (seen.has(responseKey)) continue;
    seen.add(responseKey);
    const answer = data?.[responseKey];
    if (field === VERIFY) misses += answer === 'NO_MATCH' ? 1 : 0;
    else if (Array.isArray(value)) misses += Array.isArray(answer) ? answer.filter((entry) => entry === null).length : value.length;
    else if (answer === null || answer === undefined) misses++;
  }
  return misses;
}

export function withIdentityProbeLimit(inner: GatewayInterface, limiter: RateLimiter, { rateLimitedTotal }: Pick<GatewayMetrics, 'rateLimitedTotal'>): GatewayInterface {
  const refuse = (record: RequestRecord, denial: Denial) => {
    rateLimitedTotal.inc({ scope: denial.scope, reason: denial.reason });
    record.refuse('IDENTITY_PROBE'); // the answer is withheld: the audit records no subject as returned
    return { errors: [deniedError(denial)] };
  };

  async function run(innerExecutor: GatewayExecutor, requestContext: GatewayGraphQLRequestContext) {
    const record = requestContext.context as RequestRecord;
    const { operation, document, schema } = requestContext;
    // Only institutions can see masked identity numbers (Person is open to no one).
    if (record.caller.kind !== 'institution' || operation.operation !== 'query') return innerExecutor(requestContext);
    const probes = record.subjectArguments(schema, document, operation, requestContext.request.variables).filter((p) => PROBES.has(p.field));
    if (probes.length === 0) return innerExecutor(requestContext);

    const key: RateKey = { scope: 'identity-probe', caller: record.rateKey };
    // Taking nothing tells whether the budget is already overrun (and for how long), fail closed.
    const admitted = await limiter.consume(key, 0);
    if (!admitted.allowed) return refuse(record, admitted);

    const result = await innerExecutor(requestContext);
    const misses = countMisses(result.data as Record<string, unknown> | null | undefined, probes);
    if (misses === 0) return result;
    const counted = await limiter.consume(key, misses);
    return counted.allowed ? result : refuse(record, counted);
  }

  return wrapExecutor(inner, run);
}
