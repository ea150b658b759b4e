// Apollo Server plugin applying the rate limits of ./rate-limits once an operation is known (after
// parsing and validation, before planning): one point per operation from the caller's budgets, and,
// for every verification root field (verifyPersonIdentity, verifyLicenceHeld), one point from the caller's verification budgets (all
// subjects, this subject) — and from its guarded-mode budget when the subject is guarded. After the
// answer, every NO_MATCH counts against the subject's failure budget. A denial ends the request with
// 429 RATE_LIMITED (retry-after), or 503 RATE_LIMIT_UNAVAILABLE when the limits could not be checked.
import type http from 'node:http';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { RequestRecord } from '../request-record';
import { createLogger } from '../../lib/log';
import type { GatewayMetrics } from '../metrics';
import { deniedError, UNAVAILABLE_RETRY_AFTER_SECONDS, type CallerKey, type RateDecision, type RateKey, type RateLimiter } from './rate-limits';

/** What the plugin reads from the request context: the request record (gateway/request-record.ts). */
export type RateLimitedContext = RequestRecord & BaseContext;

/** Root query fields answering yes/no about a data subject (verification products, directives/products.ts): one budget for all. */
const VERIFY_FIELDS = new Set(['verifyPersonIdentity', 'verifyLicenceHeld']);

/**
 * The client's address: the socket's peer, or — behind `trustedProxyHops` reverse proxies that each
 * append to X-Forwarded-For — the entry that many places from the right. Never the leftmost entry:
 * clients write that one themselves.
 */
export function clientIpOf(req: http.IncomingMessage, trustedProxyHops = 0): string {
  const peer = req.socket.remoteAddress ?? 'unknown';
  if (trustedProxyHops <= 0) return peer;
  const header = req.headers['x-forwarded-for'];
  const hops = (Array.isArray(header) ? header.join(',') : header ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  return hops[hops.length - trustedProxyHops] ?? peer;
}


function firstDenial(decisions: RateDecision[]): Extract<RateDecision, { allowed: false }> | undefined {
  const denials = decisions.filter((d): d is Extract<RateDecision, { allowed: false }> => !d.allowed);
  // Unavailable first (it is not the caller's fault, and says so), then the longest wait.
  return denials.find((d) => d.reason === 'LIMITER_UNAVAILABLE') ?? denials.sort((a, b) => b.retryAfterSeconds - a.retryAfterSeconds)[0];
}

export function createRateLimitPlugin<TContext extends RateLimitedContext>(
  limiter: RateLimiter,
  { rateLimitedTotal, verifyGuardedTotal }: Pick<GatewayMetrics, 'rateLimitedTotal' | 'verifyGuardedTotal'>,
): ApolloServerPlugin<TContext> {
  const refuse = (denial: Extract<RateDecision, { allowed: false }>) => {
    rateLimitedTotal.inc({ scope: denial.scope, reason: denial.reason });
    return deniedError(denial);
  };
  let log: ReturnType<typeof createLogger> | undefined;

  /** The caller's budgets for `count` attempts about one subject: its share, then guarded mode if the subject is guarded. */
  const admit = async (caller: CallerKey, idNumber: string, count: number): Promise<RateDecision> => {
    const share = await limiter.consume({ scope: 'verify-pair', caller, idNumber }, count);
    if (!share.allowed) return share;
    const guarded = await limiter.exceeded({ scope: 'verify-subject', idNumber });
    if (guarded === undefined) return { allowed: false, reason: 'LIMITER_UNAVAILABLE', scope: 'verify-subject', retryAfterSeconds: UNAVAILABLE_RETRY_AFTER_SECONDS };
    if (!guarded) return share;
    const attempt = await limiter.consume({ scope: 'verify-guarded', caller, idNumber }, count);
    if (attempt.allowed) verifyGuardedTotal.inc({ event: 'attempt' }, count);
    return attempt;
  };

  /** Counts the subjects' NO_MATCH answers against their failure budgets; going past one guards the subject. */
  const countFailures = async (asked: readonly { subject: string; responseKey: string }[], data: Record<string, unknown> | null | undefined) => {
    const failures = new Map<string, number>();
    const seen = new Set<string>(); // fields merged under one key answered once
    for (const { subject, responseKey } of asked) {
      if (seen.has(responseKey) || data?.[responseKey] !== 'NO_MATCH') continue;
      seen.add(responseKey);
      failures.set(subject, (failures.get(subject) ?? 0) + 1);
    }
    await Promise.all(
      [...failures].map(async ([idNumber, count]) => {
        const counted = await limiter.consume({ scope: 'verify-subject', idNumber }, count);
        if (counted.allowed || counted.reason !== 'LIMIT_EXCEEDED' || !counted.crossed) return;
        verifyGuardedTotal.inc({ event: 'entered' });
        log ??= createLogger('gateway');
        // The subject by a keyed digest only: logs never carry identity numbers.
        log.warn({ subject: limiter.subjectTag(idNumber) }, 'verification guarded: failed verifications of a data subject went past VERIFY_LIMIT_PER_SUBJECT; each caller now gets VERIFY_LIMIT_GUARDED attempts per window');
      }),
    );
  };

  return {
    async requestDidStart() {
      let asked: readonly { subject: string; responseKey: string }[] = [];
      return {
        async willSendResponse({ response }) {
          if (asked.length && response.body.kind === 'single') await countFailures(asked, response.body.singleResult.data);
        },
        async didResolveOperation(requestContext) {
          const { contextValue, operation, document, schema, request } = requestContext;
          const identity = contextValue.identity;
          const caller = contextValue.rateKey;

          // The caller-chosen scenario gets its own budget only under the caller-wide ceiling.
          const general: RateKey[] =
            caller.kind === 'institution' || caller.kind === 'developer'
              ? [{ scope: 'request', caller, scenario: identity?.scenario }, { scope: 'caller', caller }]
              : [{ scope: 'request', caller }];
          const generalDenial = firstDenial(await Promise.all(general.map((key) => limiter.consume(key))));
          if (generalDenial) throw refuse(generalDenial);

          if (!operation) return;
          const fields = contextValue.subjectArguments(schema, document, operation, request.variables).filter((f) => VERIFY_FIELDS.has(f.field));
          if (fields.length === 0) return;
          const perSubject = new Map<string, number>();
          for (const { subject } of fields) perSubject.set(subject, (perSubject.get(subject) ?? 0) + 1);
          const verifyDenial = firstDenial(
            await Promise.all([limiter.consume({ scope: 'verify-caller', caller }, fields.length), ...[...perSubject].map(([idNumber, count]) => admit(caller, idNumber, count))]),
          );
          if (verifyDenial) throw refuse(verifyDenial);
          asked = fields;
        },
      };
    },
  };
}
