// The benchmark's workloads, over the project's own domains, with real identifiers of the default data
// set (DATA_SEED=20261125, DATA_SCALE=1) taken from the deterministic generator.
//
// Two modes (bench/callers.ts). --callers one: every connection sends the same rotation of requests
// (the lists below) as one institution operator with a grant of every field; no query selects a field
// it may not see. --callers many (the default): each connection is its own caller and sends its own
// rotation, built from its persona's view (the fields it may see) and started at its own offset in
// the data (other persons, documents, divisions); a small share of its requests (mixed workload) adds
// one field it may NOT see, which the policy gateways answer with null and a coded error there.
import type { BenchCaller, CallerKind, View } from './callers';
import {
  DEFAULT_SEED, DEFAULT_SIZE, sizeForScale, creditCodeAt, legalEntityAt, personAt, personIdAt,
} from '../subgraphs/seed/generator';

export interface BenchRequest {
  /** Short label, used in diagnostics. */
  label: string;
  query: string;
  variables?: Record<string, unknown>;
  /** A coordinate the caller asks for knowing it may not see it (many-callers mode): the policy gateways deny it. */
  denied?: string;
}

export interface Workload {
  name: string;
  description: string;
  /** --callers one: rotated by every autocannon connection, in order. */
  requests: BenchRequest[];
  /** --callers many: the kinds of caller that take part (a query about persons is institutions' business). */
  kinds: readonly CallerKind[];
  /** --callers many: the rotation of one connection's caller. */
  requestsFor(caller: BenchCaller): BenchRequest[];
}

const seed = DEFAULT_SEED;
let size = DEFAULT_SIZE; // allWorkloads(scale) sets the data set's size

/** Legal entities 0…n-1 (the generator can regenerate any of them alone). */
function entities(n: number) {
  return Array.from({ length: n }, (_, k) => legalEntityAt(seed, size, k));
}

/** Persons spread over the data set (index stride), so batches do not hit one page of the table. */
function personIds(n: number, offset = 0, stride = 197): string[] {
  return Array.from({ length: n }, (_, j) => personIdAt(seed, (offset + j * stride) % size.persons));
}

let busiest: string[] | undefined;
/** The legal representatives of the most legal entities: their graph repeats the same entities a lot. */
function busiestRepresentatives(n: number): string[] {
  if (busiest && busiest.length >= n) return busiest.slice(0, n);
  const count = new Map<string, number>();
  for (const entity of entities(size.legalEntities)) {
    count.set(entity.legalRepresentativeIdNumber, (count.get(entity.legalRepresentativeIdNumber) ?? 0) + 1);
  }
  busiest = [...count.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, Math.max(n, 20)).map(([id]) => id);
  return busiest.slice(0, n);
}

/** Credit codes spread over the data set, from an offset. */
function creditCodes(n: number, offset: number, stride = 7): string[] {
  return Array.from({ length: n }, (_, j) => creditCodeAt(seed, (offset + j * stride) % size.legalEntities));
}

// ───────────────────────── (1) mixed institution queries ─────────────────────────

const PERSON_PROFILE = `query PersonProfile($id: ID!) {
  person(idNumber: $id) {
    idNumber name gender birthDate ethnicity householdAddress divisionCode status
    licences { number type issuingAuthority issuedOn validUntil status }
    legalEntities { creditCode name kind status }
  }
}`;

const PERSONS_BATCH = `query PersonsBatch($ids: [ID!]!) {
  persons(idNumbers: $ids) { idNumber name gender birthDate divisionCode status }
}`;

const PERSONS_BY_DIVISION = `query PersonsByDivision($division: String!) {
  personsByDivision(divisionCode: $division, first: 20) {
    totalCount
    edges { node { idNumber name gender birthDate householdAddress status } }
    pageInfo { hasNextPage }
  }
}`;

const LEGAL_ENTITY = `query LegalEntityFile($code: ID!) {
  legalEntity(creditCode: $code) {
    creditCode name kind registeredCapital establishedDate status address registrationAuthority
    legalRepresentative { idNumber name gender }
    licences { number type issuingAuthority validUntil status }
  }
}`;

const LICENCES_BY_DIVISION = `query LicencesByDivision($division: String!) {
  licencesByDivision(divisionCode: $division, first: 20) {
    edges {
      node {
        number type issuedOn validUntil status
        holder { __typename ... on Person { name } ... on LegalEntity { name } }
      }
    }
    pageInfo { hasNextPage }
  }
}`;

const VERIFY_IDENTITY = `query VerifyIdentity($id: ID!, $name: String!) {
  verifyPersonIdentity(idNumber: $id, name: $name)
}`;

// ─────────────── many callers: each persona's own queries (bench/callers.ts, View) ───────────────

const DIVISIONS = ['530102', '530103', '530111', '520102'];

const PERSON_PROFILE_OF = (v: View, extra = '') => `query PersonProfile($id: ID!) {
  person(idNumber: $id) {
    ${v.person.join(' ')}${extra ? ` ${extra}` : ''}
    licences { ${v.licence.join(' ')} }
    legalEntities { ${v.legalEntity.slice(0, 4).join(' ')} }
  }
}`;

const PERSONS_BATCH_OF = (v: View, extra = '') => `query PersonsBatch($ids: [ID!]!) {
  persons(idNumbers: $ids) { ${v.personShort.join(' ')}${extra ? ` ${extra}` : ''} }
}`;

const PERSONS_BY_DIVISION_OF = (v: View) => `query PersonsByDivision($division: String!) {
  personsByDivision(divisionCode: $division, first: 20) {
    totalCount
    edges { node { ${v.personShort.join(' ')} } }
    pageInfo { hasNextPage }
  }
}`;

const LICENCES_BY_DIVISION_OF = (v: View) => `query LicencesByDivision($division: String!) {
  licencesByDivision(divisionCode: $division, first: 20) {
    edges { node { ${v.licence.join(' ')} holder { __typename ... on Person { name } ... on LegalEntity { name } } } }
    pageInfo { hasNextPage }
  }
}`;

const ENTITIES_BY_DIVISION_OF = (v: View) => `query LegalEntitiesByDivision($division: String!) {
  legalEntitiesByDivision(divisionCode: $division, first: 20) {
    edges { node { ${v.legalEntity.join(' ')} } }
    pageInfo { hasNextPage }
  }
}`;

/** A legal entity's file as each kind may see it: its representative for institutions, its licences for all but the public. */
function legalEntityFileOf(kind: CallerKind, v: View, extra?: { on: string; selection: string }): string {
  const on = (where: string) => (extra?.on === where ? ` ${extra.selection}` : '');
  const representative = kind === 'institution' ? `\n    legalRepresentative { ${v.personShort.slice(0, 3).join(' ')} }` : '';
  const licences = kind === 'anonymous' ? '' : `\n    licences { ${v.licence.join(' ')}${on('licence')} }`;
  return `query LegalEntityFile($code: ID!) {
  legalEntity(creditCode: $code) {
    ${v.legalEntity.join(' ')}${on('legalEntity')}${representative}${licences}
  }
}`;
}

const ENTITIES_BATCH_OF = (kind: CallerKind, v: View) => `query LegalEntitiesBatch($codes: [ID!]!) {
  legalEntities(creditCodes: $codes) { ${v.legalEntity.join(' ')}${kind === 'developer' ? ` licences { ${v.licence.join(' ')} }` : ''} }
}`;

/** 6 queries × 3 variants, from the connection's own offset; variant 1 (and 2, for institutions and developers) adds the persona's denied field. */
function mixedFor(caller: BenchCaller): BenchRequest[] {
  const { persona, slot } = caller;
  const v = persona.view;
  const kind = persona.kind;
  const denied = v.denied;
  const requests: BenchRequest[] = [];
  for (let variant = 0; variant < 3; variant++) {
    const k = slot * 3 + variant;
    const division = DIVISIONS[k % DIVISIONS.length];
    const code = creditCodeAt(seed, (10 + slot * 131 + variant * 977) % size.legalEntities);
    const codes = creditCodes(20, slot * 53 + variant * 11);
    const person = personAt(seed, (1000 + slot * 211 + variant * 3001) % size.persons);
    const verification: BenchRequest = { label: 'verifyPersonIdentity', query: VERIFY_IDENTITY, variables: { id: person.idNumber, name: person.name } };
    const deny = variant >= 1 && (variant === 1 || kind !== 'anonymous');
    if (kind === 'institution') {
      const representative = legalEntityAt(seed, size, (k * 7) % size.legalEntities).legalRepresentativeIdNumber;
      const profileDenied = deny && variant === 1 && denied.on === 'person';
      const batchDenied = deny && variant === 2 && denied.on === 'person';
      requests.push(
        { label: 'person profile', query: PERSON_PROFILE_OF(v, profileDenied ? denied.selection : ''), variables: { id: representative }, ...(profileDenied ? { denied: denied.coordinate } : {}) },
        { label: 'persons ×20', query: PERSONS_BATCH_OF(v, batchDenied ? denied.selection : ''), variables: { ids: personIds(20, slot * 29 + variant * 11) }, ...(batchDenied ? { denied: denied.coordinate } : {}) },
        v.personsByDivision && (!v.licencesByDivision || variant % 2 === 0)
          ? { label: 'personsByDivision', query: PERSONS_BY_DIVISION_OF(v), variables: { division } }
          : v.licencesByDivision
            ? { label: 'licencesByDivision', query: LICENCES_BY_DIVISION_OF(v), variables: { division } }
            : { label: 'legalEntitiesByDivision', query: ENTITIES_BY_DIVISION_OF(v), variables: { division } },
        { label: 'legalEntity file', query: legalEntityFileOf(kind, v), variables: { code } },
        v.verify ? verification : { label: 'legalEntities ×20', query: ENTITIES_BATCH_OF(kind, v), variables: { codes } },
        v.licencesByDivision
          ? { label: 'licencesByDivision', query: LICENCES_BY_DIVISION_OF(v), variables: { division: DIVISIONS[(k + 1) % DIVISIONS.length] } }
          : { label: 'legalEntitiesByDivision', query: ENTITIES_BY_DIVISION_OF(v), variables: { division: DIVISIONS[(k + 1) % DIVISIONS.length] } },
      );
    } else {
      const fileDenied = deny;
      requests.push(
        { label: 'legalEntity file', query: legalEntityFileOf(kind, v, fileDenied ? denied : undefined), variables: { code }, ...(fileDenied ? { denied: denied.coordinate } : {}) },
        { label: 'legalEntities ×20', query: ENTITIES_BATCH_OF(kind, v), variables: { codes } },
        { label: 'legalEntitiesByDivision', query: ENTITIES_BY_DIVISION_OF(v), variables: { division } },
        v.verify ? verification : { label: 'legalEntity file', query: legalEntityFileOf(kind, v), variables: { code: creditCodeAt(seed, (2000 + slot * 71 + variant) % size.legalEntities) } },
        { label: 'legalEntities ×5', query: ENTITIES_BATCH_OF(kind, v), variables: { codes: creditCodes(5, 2500 + slot * 17 + variant * 5) } },
        { label: 'legalEntitiesByDivision', query: ENTITIES_BY_DIVISION_OF(v), variables: { division: DIVISIONS[(k + 1) % DIVISIONS.length] } },
      );
    }
  }
  return requests;
}

/** The deep query (DEEP below) without the person fields the persona is not granted. */
function deepQuery(v: View): string {
  let query = DEEP;
  for (const field of ['birthDate', 'householdAddress']) if (!v.person.includes(field)) query = query.replace(new RegExp(` ${field}\\b`, 'g'), '');
  return query;
}

function mixed(): Workload {
  const variants = 4;
  const divisions = ['530102', '530103', '530111', '520102'];
  const requests: BenchRequest[] = [];
  const representatives = entities(variants).map((e) => e.legalRepresentativeIdNumber);
  for (let v = 0; v < variants; v++) {
    const person = personAt(seed, 1000 + v * 3001);
    requests.push(
      { label: 'person profile', query: PERSON_PROFILE, variables: { id: representatives[v] } },
      { label: 'persons ×20', query: PERSONS_BATCH, variables: { ids: personIds(20, v * 11) } },
      { label: 'personsByDivision', query: PERSONS_BY_DIVISION, variables: { division: divisions[v] } },
      { label: 'legalEntity', query: LEGAL_ENTITY, variables: { code: creditCodeAt(seed, 10 + v * 977) } },
      { label: 'licencesByDivision', query: LICENCES_BY_DIVISION, variables: { division: divisions[v] } },
      { label: 'verifyPersonIdentity', query: VERIFY_IDENTITY, variables: { id: person.idNumber, name: person.name } },
    );
  }
  return {
    name: 'mixed',
    description:
      'one caller: 6 institution queries × 4 id variants, rotated: person profile, persons ×20, personsByDivision 20, legalEntity file, licencesByDivision 20, verifyPersonIdentity; ' +
      'many callers: each connection 6 queries of its persona × 3 variants from its own offset (institutions: person profile, persons ×20, a listing, legalEntity file, verification or legalEntities ×20, a second listing; ' +
      'developers: legalEntity files and batches with licences, legalEntitiesByDivision, verification; anonymous: open legal-entity data), 1–2 of the 18 with a field the caller may not see',
    requests,
    kinds: ['institution', 'developer', 'anonymous'],
    requestsFor: mixedFor,
  };
}

// ───────────────────────── (2) deep, repetitive entity graph ─────────────────────────

const DEEP = `query DeepGraph($ids: [ID!]!) {
  persons(idNumbers: $ids) {
    idNumber name
    licences {
      number type
      holder {
        ... on Person {
          name birthDate
          legalEntities {
            creditCode name status
            legalRepresentative {
              name gender
              licences {
                type status
                holder {
                  ... on Person {
                    name
                    legalEntities {
                      name
                      licences {
                        type validUntil
                        holder { ... on LegalEntity { name legalRepresentative { name householdAddress } } }
                      }
                    }
                  }
                }
              }
            }
            licences { number type holder { ... on LegalEntity { name legalRepresentative { name } } } }
          }
        }
      }
    }
  }
}`;

function deep(): Workload {
  return {
    name: 'deep',
    description: 'persons(5 busiest legal representatives) → licences → holder → legalEntities → legalRepresentative → licences → holder → legalEntities → licences → holder → legalRepresentative (the same entities again and again; 9 fetch levels)',
    requests: [{ label: 'deep graph', query: DEEP, variables: { ids: busiestRepresentatives(5) } }],
    // A graph of persons: institution operators only (developers and the public may see no person field).
    kinds: ['institution'],
    requestsFor: (caller) => {
      const reps = busiestRepresentatives(20);
      const ids = Array.from({ length: 5 }, (_, j) => reps[(caller.slot * 3 + j) % reps.length]);
      return [{ label: 'deep graph', query: deepQuery(caller.persona.view), variables: { ids } }];
    },
  };
}

// ───────────────────────── (3) fan-out ─────────────────────────

const FAN_OUT = `query FanOut($ids: [ID!]!) {
  persons(idNumbers: $ids) {
    idNumber name gender birthDate
    licences { number type status }
    legalEntities { creditCode name }
  }
}`;

function fanOut(n: number): Workload {
  return {
    name: `fanout-${n}`,
    description: `persons(idNumbers: ${n} ids) with licences and legalEntities: one population fetch, then one entity batch of ${n} representations to each of licence and legal-entity`,
    requests: [{ label: `fan-out ${n}`, query: FAN_OUT, variables: { ids: personIds(n, 7) } }],
    // Institutions fan out over persons; developers over legal entities and their licences (the widest
    // open data reaching two subgraphs).
    kinds: ['institution', 'developer'],
    requestsFor: (caller) => {
      const v = caller.persona.view;
      if (caller.persona.kind === 'institution') {
        const query = `query FanOut($ids: [ID!]!) {
  persons(idNumbers: $ids) { ${v.personShort.join(' ')} licences { number type status } legalEntities { creditCode name } }
}`;
        return [{ label: `fan-out ${n}`, query, variables: { ids: personIds(n, 7 + caller.slot * 101) } }];
      }
      const query = `query FanOutEntities($codes: [ID!]!) {
  legalEntities(creditCodes: $codes) { creditCode name status licences { ${v.licence.join(' ')} } }
}`;
      return [{ label: `fan-out ${n} (legal entities)`, query, variables: { codes: creditCodes(n, caller.slot * 37) } }];
    },
  };
}

// ───────────────────────── (4) no subgraph at all ─────────────────────────

function typename(): Workload {
  return {
    name: 'typename',
    description: '{ __typename }: answered by the gateway itself (parse, validate, plan, no subgraph call)',
    requests: [{ label: '__typename', query: '{ __typename }' }],
    kinds: ['institution', 'developer', 'anonymous'],
    requestsFor: () => [{ label: '__typename', query: '{ __typename }' }],
  };
}

/** The workloads over the data set of DATA_SCALE `scale` (ids spread over all of it). */
export function allWorkloads(scale = 1): Workload[] {
  const wanted = sizeForScale(scale);
  if (wanted.persons !== size.persons) {
    size = wanted;
    busiest = undefined;
  }
  return [mixed(), deep(), fanOut(1), fanOut(10), fanOut(100), fanOut(1000), typename()];
}
