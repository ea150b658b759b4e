// Who calls the gateways during the benchmark. By default (--callers many) every autocannon connection
// is its own caller, as on the real platform: operators of several institutions (each institution
// with its own scenario and a grant of its own field set), app developers (API keys, their own
// scenarios and grants) and anonymous callers. --callers one keeps the old single caller: one
// operator of one institution, with a grant of every field, on every connection.
//
// The personas' field sets are what such an office would be approved for; the queries in
// workloads.ts ask for what each persona may see, plus a small share of requests with one field it
// may not (see `denied`), as real callers sometimes do.
import { makeCreditCode } from '../lib/identifiers/credit-code';

export type CallerKind = 'institution' | 'developer' | 'anonymous';
export type CallersMode = 'many' | 'one';

/** The leaves a persona selects on each type (all of them allowed for it). */
export interface View {
  /** Person fields of a person profile (institutions only). */
  person: readonly string[];
  /** Person fields of a batch or a listing row. */
  personShort: readonly string[];
  licence: readonly string[];
  legalEntity: readonly string[];
  /** Root listings it is granted, besides the unconditional legalEntitiesByDivision. */
  personsByDivision: boolean;
  licencesByDivision: boolean;
  /** Licence.holder granted (licence listings name their holders). */
  holder: boolean;
  verify: boolean;
  /** A field selection this persona may NOT see, asked in a small share of its requests: where it goes and what. */
  denied: { on: 'person' | 'licence' | 'legalEntity'; selection: string; coordinate: string };
}

export interface Persona {
  name: string;
  label: string;
  kind: CallerKind;
  /** Institution (统一社会信用代码) or developer id. */
  grantee?: string;
  scenario?: string;
  grant?: { fields: string[]; plain?: string[] };
  view: View;
}

/** A fourth, valid institution code (the other three are those of the development fixtures). */
const PROVINCIAL_HEALTH = makeCreditCode('1', '1', '530000', '01520004');

const PERSON_ALL = ['idNumber', 'name', 'gender', 'birthDate', 'ethnicity', 'householdAddress', 'householdNumber', 'divisionCode', 'status'];
const LICENCE_ALL = ['number', 'type', 'issuingAuthority', 'issuedOn', 'validUntil', 'status'];
const ENTITY_OPEN = ['creditCode', 'name', 'kind', 'status', 'registeredCapital', 'establishedDate', 'address', 'registrationAuthority'];

export const PERSONAS: Record<string, Persona> = {
  // The one-caller mode's operator: a grant of every field (Person.phone stays NOT_SHARED: never asked).
  'one-caller': {
    name: 'one-caller', label: 'one institution operator, a grant of every field', kind: 'institution',
    grantee: '11530100015301017M', scenario: 'bench',
    grant: { fields: ['Person.*', 'Licence.*', 'LegalEntity.*', 'Query.*'], plain: ['Person.name'] },
    view: {
      person: PERSON_ALL, personShort: ['idNumber', 'name', 'gender', 'birthDate', 'divisionCode', 'status'], licence: LICENCE_ALL, legalEntity: ENTITY_OPEN,
      personsByDivision: true, licencesByDivision: true, holder: true, verify: true,
      denied: { on: 'person', selection: 'phone', coordinate: 'Person.phone' },
    },
  },
  'civil-affairs': {
    name: 'civil-affairs', label: '民政 social-assistance review (institution)', kind: 'institution',
    grantee: '11530100015301017M', scenario: 'social-assistance-review',
    grant: {
      fields: ['Person.idNumber', 'Person.name', 'Person.birthDate', 'Person.householdAddress', 'Person.householdNumber', 'Person.licences', 'Licence.number', 'Licence.holder', 'Query.personsByDivision'],
      plain: ['Person.name', 'Person.birthDate'],
    },
    view: {
      person: ['idNumber', 'name', 'gender', 'birthDate', 'householdAddress', 'householdNumber', 'divisionCode', 'status'],
      personShort: ['idNumber', 'name', 'gender', 'birthDate', 'divisionCode', 'status'],
      licence: ['number', 'type', 'issuingAuthority', 'validUntil', 'status'], legalEntity: ['creditCode', 'name', 'kind', 'status'],
      personsByDivision: true, licencesByDivision: false, holder: true, verify: true,
      denied: { on: 'person', selection: 'ethnicity', coordinate: 'Person.ethnicity' },
    },
  },
  'market-regulation': {
    name: 'market-regulation', label: '市场监管 licence inspection (institution)', kind: 'institution',
    grantee: '11530100015301025G', scenario: 'licence-inspection',
    grant: {
      fields: ['Person.idNumber', 'Person.name', 'Person.licences', 'Licence.number', 'Licence.holder', 'Query.licence', 'Query.licencesByDivision'],
      plain: ['Licence.number'],
    },
    view: {
      person: ['idNumber', 'name', 'gender', 'divisionCode', 'status'], personShort: ['idNumber', 'name', 'gender', 'status'],
      licence: LICENCE_ALL, legalEntity: ENTITY_OPEN,
      personsByDivision: false, licencesByDivision: true, holder: true, verify: true,
      denied: { on: 'person', selection: 'birthDate', coordinate: 'Person.birthDate' },
    },
  },
  'human-resources': {
    name: 'human-resources', label: '人社 pension eligibility (institution)', kind: 'institution',
    grantee: '115301020153010338', scenario: 'pension-eligibility',
    grant: {
      fields: ['Person.idNumber', 'Person.name', 'Person.birthDate', 'Person.ethnicity', 'Person.licences', 'Licence.number', 'Licence.holder', 'Query.personsByDivision'],
      plain: ['Person.name'],
    },
    view: {
      person: ['idNumber', 'name', 'gender', 'birthDate', 'ethnicity', 'divisionCode', 'status'], personShort: ['idNumber', 'name', 'gender', 'birthDate', 'status'],
      licence: ['number', 'type', 'validUntil', 'status'], legalEntity: ['creditCode', 'name', 'status'],
      personsByDivision: true, licencesByDivision: false, holder: true, verify: true,
      denied: { on: 'person', selection: 'phone', coordinate: 'Person.phone' },
    },
  },
  health: {
    name: 'health', label: '卫健 medical-licence supervision (institution)', kind: 'institution',
    grantee: PROVINCIAL_HEALTH, scenario: 'medical-licence-supervision',
    grant: {
      fields: ['Person.idNumber', 'Person.name', 'Person.birthDate', 'Person.householdAddress', 'Person.licences', 'Licence.number', 'Licence.holder', 'Query.licence', 'Query.licencesByDivision', 'Query.personsByDivision'],
      plain: ['Person.name', 'Person.householdAddress', 'Licence.number'],
    },
    view: {
      person: ['idNumber', 'name', 'gender', 'birthDate', 'householdAddress', 'divisionCode', 'status'], personShort: ['idNumber', 'name', 'birthDate', 'divisionCode'],
      licence: LICENCE_ALL, legalEntity: ['creditCode', 'name', 'kind', 'status', 'address'],
      personsByDivision: true, licencesByDivision: true, holder: true, verify: false,
      denied: { on: 'person', selection: 'householdNumber', coordinate: 'Person.householdNumber' },
    },
  },
  'licence-app': {
    name: 'licence-app', label: 'licence-validity app (developer)', kind: 'developer',
    grantee: 'licence-check-app', scenario: 'licence-validity-check',
    grant: { fields: ['LegalEntity.licences', 'Licence.type', 'Licence.status', 'Licence.validUntil', 'Licence.issuingAuthority', 'Licence.issuedOn'] },
    view: {
      person: [], personShort: [], licence: ['type', 'issuingAuthority', 'issuedOn', 'validUntil', 'status'], legalEntity: ENTITY_OPEN,
      personsByDivision: false, licencesByDivision: false, holder: false, verify: false,
      denied: { on: 'licence', selection: 'number', coordinate: 'Licence.number' },
    },
  },
  'realname-app': {
    name: 'realname-app', label: 'real-name verification app (developer)', kind: 'developer',
    grantee: 'realname-app', scenario: 'realname-verification',
    grant: { fields: ['Query.verifyPersonIdentity', 'LegalEntity.licences', 'Licence.type', 'Licence.status'] },
    view: {
      person: [], personShort: [], licence: ['type', 'status'], legalEntity: ['creditCode', 'name', 'kind', 'status'],
      personsByDivision: false, licencesByDivision: false, holder: false, verify: true,
      denied: { on: 'licence', selection: 'validUntil', coordinate: 'Licence.validUntil' },
    },
  },
  public: {
    name: 'public', label: 'anonymous open-data user', kind: 'anonymous',
    view: {
      person: [], personShort: [], licence: [], legalEntity: [...ENTITY_OPEN, 'businessScope'],
      personsByDivision: false, licencesByDivision: false, holder: false, verify: false,
      denied: { on: 'legalEntity', selection: 'licences { type }', coordinate: 'LegalEntity.licences' },
    },
  },
};

/**
 * The order in which connections are handed to personas (connection i → CYCLE[i mod length]): mostly
 * institution operators, as on a sharing platform, then developers and the public. 16 connections:
 * 10 operators of 5 … institutions, 4 developer connections, 2 anonymous.
 */
const CYCLE = ['civil-affairs', 'market-regulation', 'human-resources', 'health', 'licence-app', 'civil-affairs', 'market-regulation', 'realname-app', 'public', 'human-resources', 'health'];

export interface BenchCaller {
  /** Unique per connection in many-callers mode, e.g. "civil-affairs/op-2". */
  id: string;
  persona: Persona;
  /** Institution operators: the token's subject. */
  operator?: string;
  /** Institution code, or developer id (one per connection: each its own API key and grant). */
  grantee?: string;
  /** The connection's index: where its requests start in the data (ids, documents). */
  slot: number;
}

/** The callers of `connections` connections for a workload open to `kinds`. */
export function assignCallers(mode: CallersMode, connections: number, kinds: readonly CallerKind[]): BenchCaller[] {
  const one = PERSONAS['one-caller'];
  if (mode === 'one') return Array.from({ length: connections }, () => ({ id: 'one-caller', persona: one, operator: 'bench-operator', grantee: one.grantee, slot: 0 }));
  const cycle = CYCLE.filter((name) => kinds.includes(PERSONAS[name].kind));
  const seen = new Map<string, number>();
  return Array.from({ length: connections }, (_, slot) => {
    const persona = PERSONAS[cycle[slot % cycle.length]];
    const n = (seen.get(persona.name) ?? 0) + 1;
    seen.set(persona.name, n);
    // Each operator its own token subject (its institution's grant), each developer connection its own
    // app (API key and grant); anonymous callers are told apart by IP only: all one on loopback.
    const institution = persona.kind === 'institution';
    return {
      id: `${persona.name}/${institution ? 'op' : 'conn'}-${n}`,
      persona,
      operator: institution ? `op-${n}` : undefined,
      grantee: persona.kind === 'developer' ? developerId(persona, n) : persona.grantee,
      slot,
    };
  });
}

function developerId(persona: Persona, n: number): string {
  return `${persona.grantee}-${n}`;
}

/**
 * Grants for the platform's GRANTS_FILE, valid from yesterday until tomorrow: one per institution
 * persona, one per developer app (as many apps per persona as there may be connections).
 */
export function benchGrants(mode: CallersMode, connections: number, now = Date.now()): unknown[] {
  const day = 24 * 3600 * 1000;
  const names = mode === 'one' ? ['one-caller'] : Object.keys(PERSONAS).filter((n) => n !== 'one-caller');
  const grantees = names
    .map((name) => PERSONAS[name])
    .filter((p) => p.grant)
    .flatMap((p) => (p.kind === 'developer' ? Array.from({ length: connections }, (_, i) => ({ p, id: developerId(p, i + 1) })) : [{ p, id: p.grantee! }]));
  return grantees
    .map(({ p, id }) => ({
      id: `grant-bench-${p.kind === 'developer' ? id : p.name}`,
      grantee: { kind: p.kind, id },
      scenario: p.scenario,
      fields: p.grant!.fields,
      ...(p.grant!.plain ? { plain: p.grant!.plain } : {}),
      validFrom: new Date(now - day).toISOString(),
      validUntil: new Date(now + day).toISOString(),
    }));
}

/** How many distinct callers (token subjects, API keys, anonymous) a set of connections holds. */
export function describeCallers(callers: readonly BenchCaller[]): string {
  const counts = new Map<string, number>();
  for (const c of callers) counts.set(c.persona.name, (counts.get(c.persona.name) ?? 0) + 1);
  return [...counts.entries()].map(([name, n]) => `${name} ×${n}`).join(', ');
}
