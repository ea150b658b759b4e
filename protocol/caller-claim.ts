// The caller as the gateway tells subgraphs (inside the signed request): compact JSON, base64url.
// Subgraphs trust it only because the signature covers it.
import type { Caller } from '../directives/caller';

export interface CallerClaim {
  kind: Caller['kind'] | 'system';
  /** Institution credit code, developer id or the subject's identity number. */
  id?: string;
  operator?: string;
  /** An institution's 行政区划代码 as its token says: the platform checks it against the registry (authorities act in their area). */
  division?: string;
  roles?: readonly string[];
  scenario?: string;
  /** 数据回流: per root listing (e.g. Query.personsByDivision), the division prefixes its rows are limited to. */
  divisionScopes?: Record<string, string[]>;
}

export function encodeCallerClaim(claim: CallerClaim): string {
  return Buffer.from(JSON.stringify(claim), 'utf8').toString('base64url');
}

export function decodeCallerClaim(header: string | undefined): CallerClaim | undefined {
  if (!header) return undefined;
  try {
    const claim = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as CallerClaim;
    return typeof claim === 'object' && claim !== null && typeof claim.kind === 'string' ? claim : undefined;
  } catch {
    return undefined;
  }
}

export function callerClaimOf(caller: Caller, scenario?: string, divisionScopes?: Record<string, string[]>): CallerClaim {
  switch (caller.kind) {
    case 'institution':
      return { kind: 'institution', id: caller.institution, operator: caller.operator, division: caller.division, roles: caller.roles, scenario, ...(divisionScopes ? { divisionScopes } : {}) };
    case 'developer':
      return { kind: 'developer', id: caller.developer, scenario, ...(divisionScopes ? { divisionScopes } : {}) };
    case 'subject':
      return { kind: 'subject', id: caller.idNumber, scenario };
    case 'anonymous':
      return { kind: 'anonymous', scenario };
  }
}
