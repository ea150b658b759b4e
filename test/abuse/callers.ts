// The callers of the abuse suite, each as the gateway meets it (headers with real credentials) and as
// the exact oracle models it (kind, grantee, scenario), and the fixture grants they hold.
import { creditCodeAt, DEFAULT_SEED, generatePersons, sizeForScale } from '../../subgraphs/seed/generator';
import type { Grant } from '../../directives/grants';
import type { Credentials } from '../support/credentials';
import type { OracleCaller } from './oracle';

export type CallerKind = 'institution' | 'developer' | 'anonymous';

export const ABUSE_INSTITUTION = '11530100015301017M';
export const ABUSE_SCENARIO = 'abuse';
export const ADMIN_ORG = '115300000152010080'; // 云南省数据局, a registered data authority (see gateway/fixtures/institutions.dev.json)
// Institutions of the other caller kinds: valid GB 32100 codes no legal entity of the data set has.
export const NOGRANT_INSTITUTION = creditCodeAt(DEFAULT_SEED, 9_000_001);
export const SCOPED_INSTITUTION = creditCodeAt(DEFAULT_SEED, 9_000_002);
export const EXPIRED_INSTITUTION = creditCodeAt(DEFAULT_SEED, 9_000_003);
export const SUSPENDED_INSTITUTION = creditCodeAt(DEFAULT_SEED, 9_000_004);
export const GRANTED_DEVELOPER = 'dev-abuse';
export const PLAIN_DEVELOPER = 'dev-plain';
const DAY = 24 * 3600 * 1000;

export type CallerLabel =
  | 'inst-granted' | 'inst-granted-b' | 'inst-no-scenario' | 'inst-nogrant' | 'inst-scoped' | 'inst-expired-grant' | 'inst-suspended'
  | 'dev-granted' | 'dev-nogrant' | 'anonymous'
  | 'forged' | 'expired-token' | 'garbage' | 'wrong-scenario' | 'bad-apikey';

/** The division the scoped grant is limited to (数据回流): the county with the most persons. */
export function scopeDivision(scale = 0.05): string {
  const counts = new Map<string, number>();
  for (const chunk of generatePersons(DEFAULT_SEED, sizeForScale(scale).persons)) for (const p of chunk) counts.set(p.divisionCode, (counts.get(p.divisionCode) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0][0];
}

const PERSON_FIELDS = ['Person.name', 'Person.idNumber', 'Person.birthDate', 'Person.householdAddress', 'Person.householdNumber', 'Person.householdMembers', 'Person.licences', 'Person.ethnicity'];
const LICENCE_FIELDS = ['Licence.number', 'Licence.holder', 'Query.licence', 'Query.licencesByDivision'];

/**
 * The grants the stack must be started with (GRANTS_FILE). The main grant keeps names and numbers
 * masked but the birth date plain, so inference control must narrow the identity-number mask.
 */
export function abuseGrants(scale = 0.05): Grant[] {
  const valid = { validFrom: new Date(Date.now() - DAY).toISOString(), validUntil: new Date(Date.now() + 365 * DAY).toISOString() };
  const institution = (id: string) => ({ kind: 'institution' as const, id });
  const main = { scenario: ABUSE_SCENARIO, fields: [...PERSON_FIELDS, ...LICENCE_FIELDS, 'Query.personsByDivision'], plain: ['Person.birthDate', 'Person.householdAddress'], ...valid };
  return [
    { id: 'abuse', grantee: institution(ABUSE_INSTITUTION), ...main },
    { id: 'abuse-b', grantee: institution(ABUSE_INSTITUTION), scenario: 'abuse-b', fields: ['Person.name', 'Query.personsByDivision'], plain: ['Person.name'], ...valid },
    { id: 'abuse-scoped', grantee: institution(SCOPED_INSTITUTION), scenario: ABUSE_SCENARIO, fields: ['Person.name', 'Person.idNumber', 'Person.licences', ...LICENCE_FIELDS, 'Query.personsByDivision'], plain: ['Person.name'], divisionScope: scopeDivision(scale), ...valid },
    { id: 'abuse-expired', grantee: institution(EXPIRED_INSTITUTION), ...main, validFrom: new Date(Date.now() - 30 * DAY).toISOString(), validUntil: new Date(Date.now() - DAY).toISOString() },
    { id: 'abuse-suspended', grantee: institution(SUSPENDED_INSTITUTION), ...main },
    {
      id: 'abuse-dev', grantee: { kind: 'developer', id: GRANTED_DEVELOPER }, scenario: ABUSE_SCENARIO,
      fields: ['LegalEntity.licences', 'Licence.type', 'Licence.issuingAuthority', 'Licence.issuedOn', 'Licence.validUntil', 'Licence.status', 'Query.verifyPersonIdentity'], ...valid,
    },
  ];
}

/** How the oracle sees each caller. */
export const ORACLE_CALLERS: Record<CallerLabel, OracleCaller> = {
  'inst-granted': { label: 'inst-granted', kind: 'institution', grantee: { kind: 'institution', id: ABUSE_INSTITUTION }, scenario: ABUSE_SCENARIO },
  'inst-granted-b': { label: 'inst-granted-b', kind: 'institution', grantee: { kind: 'institution', id: ABUSE_INSTITUTION }, scenario: 'abuse-b' },
  'inst-no-scenario': { label: 'inst-no-scenario', kind: 'institution', grantee: { kind: 'institution', id: ABUSE_INSTITUTION } },
  'inst-nogrant': { label: 'inst-nogrant', kind: 'institution', grantee: { kind: 'institution', id: NOGRANT_INSTITUTION }, scenario: ABUSE_SCENARIO },
  'inst-scoped': { label: 'inst-scoped', kind: 'institution', grantee: { kind: 'institution', id: SCOPED_INSTITUTION }, scenario: ABUSE_SCENARIO },
  'inst-expired-grant': { label: 'inst-expired-grant', kind: 'institution', grantee: { kind: 'institution', id: EXPIRED_INSTITUTION }, scenario: ABUSE_SCENARIO },
  'inst-suspended': { label: 'inst-suspended', kind: 'refused' },
  'dev-granted': { label: 'dev-granted', kind: 'developer', grantee: { kind: 'developer', id: GRANTED_DEVELOPER }, scenario: ABUSE_SCENARIO },
  'dev-nogrant': { label: 'dev-nogrant', kind: 'developer', grantee: { kind: 'developer', id: PLAIN_DEVELOPER }, scenario: ABUSE_SCENARIO },
  anonymous: { label: 'anonymous', kind: 'anonymous' },
  forged: { label: 'forged', kind: 'refused' },
  'expired-token': { label: 'expired-token', kind: 'refused' },
  garbage: { label: 'garbage', kind: 'refused' },
  // A malformed scenario header is refused before anything is decided.
  'wrong-scenario': { label: 'wrong-scenario', kind: 'refused' },
  'bad-apikey': { label: 'bad-apikey', kind: 'refused' },
};

/** The kind of query a caller gets from the valid-query generator; refused callers ask as institutions. */
export function generatorKind(label: CallerLabel): CallerKind {
  const kind = ORACLE_CALLERS[label].kind;
  return kind === 'refused' ? 'institution' : kind;
}

export type HeadersOf = (label: CallerLabel, garbage: string) => Record<string, string>;

/** Real credentials for every caller. */
export async function callerHeaders(credentials: Credentials): Promise<HeadersOf> {
  const bearer = async (org: string, extra: Partial<Parameters<Credentials['token']>[0]> = {}) => `Bearer ${await credentials.token({ org, sub: 'op-abuse', ...extra })}`;
  const inst = await bearer(ABUSE_INSTITUTION);
  const tokens = {
    nogrant: await bearer(NOGRANT_INSTITUTION),
    scoped: await bearer(SCOPED_INSTITUTION),
    expiredGrant: await bearer(EXPIRED_INSTITUTION),
    suspended: await bearer(SUSPENDED_INSTITUTION),
    forged: `Bearer ${await credentials.forgedToken({ org: ABUSE_INSTITUTION, roles: ['institution', 'admin'], div: '530000' })}`,
    expired: await bearer(ABUSE_INSTITUTION, { expiresIn: Math.floor(Date.now() / 1000) - 3600 }),
  };
  const devKey = credentials.apiKey(GRANTED_DEVELOPER);
  const plainKey = credentials.apiKey(PLAIN_DEVELOPER);
  const s = { 'x-scenario-id': ABUSE_SCENARIO };
  return (label, g): Record<string, string> => {
    switch (label) {
      case 'inst-granted': return { authorization: inst, ...s };
      case 'inst-granted-b': return { authorization: inst, 'x-scenario-id': 'abuse-b' };
      case 'inst-no-scenario': return { authorization: inst };
      case 'inst-nogrant': return { authorization: tokens.nogrant, ...s };
      case 'inst-scoped': return { authorization: tokens.scoped, ...s };
      case 'inst-expired-grant': return { authorization: tokens.expiredGrant, ...s };
      case 'inst-suspended': return { authorization: tokens.suspended, ...s };
      case 'dev-granted': return { 'x-api-key': devKey, ...s };
      case 'dev-nogrant': return { 'x-api-key': plainKey, ...s };
      case 'anonymous': return {};
      case 'forged': return { authorization: tokens.forged, ...s };
      case 'expired-token': return { authorization: tokens.expired, ...s };
      case 'garbage': return { authorization: g.startsWith('Bearer') || g.startsWith('Basic') ? g : `Bearer ${g}`, ...s };
      case 'wrong-scenario': return { authorization: inst, 'x-scenario-id': "abuse' OR 1=1 --" };
      case 'bad-apikey': return { 'x-api-key': `${devKey.slice(0, -2)}${g.slice(0, 2) || 'zz'}`, ...s };
    }
  };
}

/** Suspends the suspended caller's institution through the control plane, as an admin does. */
export async function suspendCaller(gatewayUrl: string, credentials: Credentials): Promise<void> {
  const admin = `Bearer ${await credentials.token({ org: ADMIN_ORG, roles: ['admin'], div: '530000' })}`;
  const response = await fetch(gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: admin },
    body: JSON.stringify({ query: 'mutation($id: String!) { suspend(target: INSTITUTION, id: $id, scope: BOTH, reason: "滥用测试 / abuse suite") { id } }', variables: { id: SUSPENDED_INSTITUTION } }),
  });
  const text = await response.text();
  if (!text.includes('"suspend"') || text.includes('"errors"')) throw new Error(`could not suspend ${SUSPENDED_INSTITUTION}: ${text.slice(0, 300)}`);
}
