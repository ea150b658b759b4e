// The benchmark's workloads, over the project's own domains, with real identifiers of the default data
// set (DATA_SEED=20261125, DATA_SCALE=1) taken from the deterministic generator. No query selects
// Person.phone (不予共享: the policy would deny it for every institution, so gateway C would answer
// with errors that A and B do not produce).
import {
  DEFAULT_SEED, DEFAULT_SIZE, creditCodeAt, legalEntityAt, personAt, personIdAt,
} from '../subgraphs/seed/generator';

export interface BenchRequest {
  /** Short label, used in diagnostics. */
  label: string;
  query: string;
  variables?: Record<string, unknown>;
}

export interface Workload {
  name: string;
  description: string;
  /** Rotated by every autocannon connection, in order. */
  requests: BenchRequest[];
}

const seed = DEFAULT_SEED;
const size = DEFAULT_SIZE;

/** Legal entities 0…n-1 (the generator can regenerate any of them alone). */
function entities(n: number) {
  return Array.from({ length: n }, (_, k) => legalEntityAt(seed, size, k));
}

/** Persons spread over the data set (index stride), so batches do not hit one page of the table. */
function personIds(n: number, offset = 0, stride = 197): string[] {
  return Array.from({ length: n }, (_, j) => personIdAt(seed, (offset + j * stride) % size.persons));
}

/** The legal representatives of the most legal entities: their graph repeats the same entities a lot. */
function busiestRepresentatives(n: number): string[] {
  const count = new Map<string, number>();
  for (const entity of entities(size.legalEntities)) {
    count.set(entity.legalRepresentativeIdNumber, (count.get(entity.legalRepresentativeIdNumber) ?? 0) + 1);
  }
  return [...count.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, n).map(([id]) => id);
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
    description: '6 institution queries × 4 id variants, rotated: person profile, persons ×20, personsByDivision 20, legalEntity file, licencesByDivision 20, verifyPersonIdentity',
    requests,
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
  };
}

// ───────────────────────── (4) no subgraph at all ─────────────────────────

function typename(): Workload {
  return {
    name: 'typename',
    description: '{ __typename }: answered by the gateway itself (parse, validate, plan, no subgraph call)',
    requests: [{ label: '__typename', query: '{ __typename }' }],
  };
}

export function allWorkloads(): Workload[] {
  return [mixed(), deep(), fanOut(1), fanOut(10), fanOut(100), typename()];
}
