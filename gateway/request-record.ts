// One record per GraphQL request, made once at the HTTP front and handed to Apollo Server as the
// request's context. It holds who calls, in every form the gateway needs (one mapping from the token
// or key: grantee, rate-limit key, audit facts, the claim subgraph calls carry), for which scenario
// and from where; the subject-naming root fields of the operation, read once for the rate limits,
// the identity-probe budget and the audit; and — each set once — the policy's decision, the facts
// of the answer the policy walked, and a refusal. Later steps read them; none rewrites them.
import type { DocumentNode, GraphQLSchema, OperationDefinitionNode } from 'graphql';
import type { PolicyDecision } from '../directives/analyse';
import { granteeOf, type Caller, type Grantee } from '../directives/caller';
import type { ScopeDenial } from '../directives/response';
import type { AuditEntry } from '../protocol/audit-entry';
import { callerClaimOf, encodeCallerClaim } from '../protocol/caller-claim';
import type { Identity } from './identity/identify';
import { normaliseIp, type CallerKey } from './limits/rate-limits';
import { rootFieldArguments, type RootFieldArgument } from './root-field-arguments';

/** Root query fields whose arguments name data subjects, and the argument that does. */
export const SUBJECT_ARGUMENTS: Readonly<Record<string, string>> = { person: 'idNumber', persons: 'idNumbers', verifyPersonIdentity: 'idNumber', verifyLicenceHeld: 'creditCode' };

/** What the policy's walk of the answer found: whose records came back, which records were out of scope. */
export interface AnswerFacts {
  subjects: ReadonlySet<string>;
  outOfScope: readonly ScopeDenial[];
}

/** How the audit names a caller. */
export type AuditCaller = Pick<AuditEntry, 'callerKind' | 'operator' | 'institution' | 'roles' | 'scenario'>;

/** The rate limits' key of a caller: institutions and developers by id, subjects by number, others by address. */
export function rateKeyOf(caller: Caller | undefined, clientIp: string | undefined): CallerKey {
  switch (caller?.kind) {
    case 'institution':
      return { kind: 'institution', creditCode: caller.institution };
    case 'developer':
      return { kind: 'developer', developer: caller.developer };
    case 'subject':
      return { kind: 'subject', idNumber: caller.idNumber };
    default:
      return { kind: 'anonymous', ip: clientIp ? normaliseIp(clientIp) : 'unknown' };
  }
}

function auditCallerOf(identity: Identity): AuditCaller {
  const { caller, scenario } = identity;
  const base = { scenario: scenario ?? null };
  switch (caller.kind) {
    case 'institution':
      // An institution's operator acting as admin or provider is recorded as such (the roles say all).
      return {
        ...base,
        callerKind: caller.roles.includes('admin') ? 'admin' : caller.roles.includes('provider') ? 'provider' : 'institution',
        operator: caller.operator,
        institution: caller.institution,
        roles: [...caller.roles],
      };
    case 'developer':
      return { ...base, callerKind: 'developer', operator: caller.developer, institution: null, roles: [] };
    default:
      return { ...base, callerKind: caller.kind, operator: null, institution: null, roles: [] };
  }
}

const SYSTEM_CLAIM = encodeCallerClaim({ kind: 'system' });

/** Subgraph calls made outside any request (e.g. health checks) carry the system claim. */
export function claimOf(record: RequestRecord | undefined): string {
  return record instanceof RequestRecord ? record.claim() : SYSTEM_CLAIM;
}

export class RequestRecord {
  readonly startedAt = Date.now();
  readonly grantee: Grantee | undefined;
  readonly rateKey: CallerKey;
  private decisionValue?: PolicyDecision;
  private answerValue?: AnswerFacts;
  private refusalValue?: string;
  private claimValue?: string;
  private auditCallerValue?: AuditCaller;
  private subjectArgumentsValue?: RootFieldArgument[];

  constructor(
    readonly requestId: string,
    readonly identity: Identity,
    /** The client's address (rate limits of anonymous callers; see clientIpOf). */
    readonly clientIp?: string,
  ) {
    this.grantee = granteeOf(identity.caller);
    this.rateKey = rateKeyOf(identity.caller, clientIp);
  }

  get caller(): Caller {
    return this.identity.caller;
  }

  get scenario(): string | undefined {
    return this.identity.scenario;
  }

  get auditCaller(): AuditCaller {
    return (this.auditCallerValue ??= auditCallerOf(this.identity));
  }

  /** The policy's decision on the operation, set once before execution. */
  get decision(): PolicyDecision | undefined {
    return this.decisionValue;
  }

  decide(decision: PolicyDecision): void {
    if (this.decisionValue) throw new Error('the decision of a request is set once');
    this.decisionValue = decision;
  }

  /** What the policy's walk of the answer found (set once, after execution). */
  get answer(): AnswerFacts | undefined {
    return this.answerValue;
  }

  answered(facts: AnswerFacts): void {
    if (this.answerValue) throw new Error('the answer facts of a request are set once');
    this.answerValue = facts;
  }

  /** Why the whole request was refused (SUSPENDED, IDENTITY_PROBE …): nothing of an answer left the gateway. */
  get refusal(): string | undefined {
    return this.refusalValue;
  }

  refuse(reason: string): void {
    this.refusalValue ??= reason;
  }

  /** Whose records the client received: none when the request was refused. */
  subjectsReturned(): ReadonlySet<string> {
    return this.refusalValue ? new Set() : (this.answerValue?.subjects ?? new Set());
  }

  /**
   * The caller claim every subgraph call of this request carries (covered by its signature): encoded
   * once, with the division scopes of the decision — subgraph calls are made only after it.
   */
  claim(): string {
    if (this.claimValue) return this.claimValue;
    const claim = encodeCallerClaim(callerClaimOf(this.caller, this.scenario, this.decisionValue?.listingScopes));
    if (this.decisionValue) this.claimValue = claim;
    return claim;
  }

  /** The operation's root fields in SUBJECT_ARGUMENTS with their arguments' values: one walk per request. */
  subjectArguments(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown> | undefined): readonly RootFieldArgument[] {
    return (this.subjectArgumentsValue ??= rootFieldArguments(schema, document, operation, variables, SUBJECT_ARGUMENTS));
  }
}
