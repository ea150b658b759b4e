// Well-formed queries over the catalog's fields, with real identifiers from the seed generator,
// aliases, inline and named fragments, @skip/@include, nested references and listings — the valid,
// mostly granted traffic the exact oracle checks value by value. Built from one integer (a seeded
// PRNG), so fast-check can sample and replay them.
import type { CallerKind } from './callers';

/** Fields per type: null for leaves, else the type they lead to. */
export const SCHEMA: Record<string, Record<string, string | null>> = {
  Query: { person: 'Person', persons: 'Person', personsByDivision: 'PersonConnection', verifyPersonIdentity: null, legalEntity: 'LegalEntity', legalEntities: 'LegalEntity', legalEntitiesByDivision: 'LegalEntityConnection', licence: 'Licence', licencesByDivision: 'LicenceConnection', __typename: null },
  Person: { idNumber: null, name: null, gender: null, birthDate: null, ethnicity: null, householdAddress: null, divisionCode: null, phone: null, status: null, householdNumber: null, householdMembers: 'Person', legalEntities: 'LegalEntity', licences: 'Licence', __typename: null },
  LegalEntity: { creditCode: null, name: null, kind: null, legalRepresentative: 'Person', registeredCapital: null, establishedDate: null, status: null, address: null, divisionCode: null, businessScope: null, registrationAuthority: null, licences: 'Licence', __typename: null },
  Licence: { number: null, type: null, holder: 'LicenceHolder', issuingAuthority: null, issuedOn: null, validUntil: null, status: null, divisionCode: null, __typename: null },
  LicenceHolder: { __typename: null },
  PersonConnection: { edges: 'PersonEdge', totalCount: null, pageInfo: 'PageInfo' },
  PersonEdge: { node: 'Person', cursor: null },
  LegalEntityConnection: { edges: 'LegalEntityEdge', totalCount: null, pageInfo: 'PageInfo' },
  LegalEntityEdge: { node: 'LegalEntity', cursor: null },
  LicenceConnection: { edges: 'LicenceEdge', totalCount: null, pageInfo: 'PageInfo' },
  LicenceEdge: { node: 'Licence', cursor: null },
  PageInfo: { hasNextPage: null, endCursor: null },
};

export interface Pools {
  idNumbers: string[];
  /** Persons of the scoped grant's division, so scoped callers see data in and out of scope. */
  scopedIdNumbers: string[];
  names: Map<string, string>;
  divisions: string[];
  creditCodes: string[];
  licences: string[];
}

const LICENCE_TYPES = ['RESIDENT_ID_CARD', 'DRIVING_LICENCE', 'BUSINESS_LICENCE', 'FOOD_BUSINESS_PERMIT', 'MARRIAGE_CERTIFICATE', 'PRACTISING_CERTIFICATE', 'CONSTRUCTION_PERMIT'];

/** Roots a caller of this kind may be granted at all (others would only be denied: the fuzzer covers them). */
const ROOTS: Record<CallerKind, string[]> = {
  institution: ['person', 'person', 'persons', 'personsByDivision', 'personsByDivision', 'legalEntity', 'legalEntities', 'legalEntitiesByDivision', 'licence', 'licencesByDivision', 'verifyPersonIdentity'],
  developer: ['legalEntity', 'legalEntities', 'legalEntitiesByDivision', 'legalEntitiesByDivision', 'verifyPersonIdentity'],
  anonymous: ['legalEntity', 'legalEntities', 'legalEntitiesByDivision'],
};

class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0 || 1;
  }
  next(): number {
    // mulberry32
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

interface Build {
  rng: Rng;
  pools: Pools;
  fragments: string[];
  variables: Record<string, unknown>;
  declarations: string[];
  aliases: number;
}

function selection(b: Build, type: string, depth: number): string {
  const { rng } = b;
  if (type === 'LicenceHolder') {
    const parts = ['__typename'];
    if (depth > 0 && rng.chance(0.8)) parts.push(`... on Person { ${selection(b, 'Person', depth - 1)} }`);
    if (depth > 0 && rng.chance(0.8)) parts.push(`... on LegalEntity { ${selection(b, 'LegalEntity', depth - 1)} }`);
    return parts.join(' ');
  }
  const fields = Object.entries(SCHEMA[type]).filter(([, target]) => target === null || depth > 0);
  const count = 1 + rng.int(Math.min(6, fields.length));
  const chosen = new Map<string, string | null>();
  while (chosen.size < count) {
    const [name, target] = rng.pick(fields);
    chosen.set(name, target);
  }
  const parts = [...chosen].map(([name, target]) => {
    const alias = rng.chance(0.15) ? `${name}_a${b.aliases++}: ` : '';
    const directive = rng.chance(0.06) ? rng.pick([' @include(if: true)', ' @skip(if: false)', ' @skip(if: true)', ' @include(if: false)']) : '';
    return target ? `${alias}${name}${directive} { ${selection(b, target, depth - 1)} }` : `${alias}${name}${directive}`;
  });
  // Some of the selection behind an inline fragment or a named one on the same type.
  if (parts.length > 1 && rng.chance(0.2) && !type.endsWith('Connection') && !type.endsWith('Edge') && type !== 'PageInfo') {
    const moved = parts.splice(0, 1 + rng.int(parts.length - 1));
    if (rng.chance(0.5)) parts.push(`... on ${type} { ${moved.join(' ')} }`);
    else {
      const name = `F${b.fragments.length}`;
      b.fragments.push(`fragment ${name} on ${type} { ${moved.join(' ')} }`);
      parts.push(`...${name}`);
    }
  }
  return parts.join(' ');
}

function argument(b: Build, name: string, type: string, value: unknown): string {
  if (!b.rng.chance(0.3)) return `${name}: ${JSON.stringify(value)}`;
  const variable = `v${b.declarations.length}`;
  b.declarations.push(`$${variable}: ${type}`);
  b.variables[variable] = value;
  return `${name}: $${variable}`;
}

function rootField(b: Build, kind: CallerKind, scoped: boolean, index: number): string {
  const { rng, pools } = b;
  const field = rng.pick(ROOTS[kind]);
  const ids = scoped && rng.chance(0.6) ? pools.scopedIdNumbers : pools.idNumbers;
  const some = <T>(list: T[]) => Array.from({ length: 1 + rng.int(4) }, () => rng.pick(list));
  // Shallow and short enough to stay under the query cost limit (MAX_COST): refused queries carry no data.
  const depth = 1 + rng.int(2);
  // Two roots of the same name need aliases; the first gets one now and then.
  const alias = index > 0 || rng.chance(0.2) ? `r${b.aliases++}: ` : '';
  const first = 1 + rng.int(12);
  const connection = (target: string, args: string[]) => `${alias}${field}(${args.join(', ')}) { ${selection(b, target, depth + 1)} }`;
  switch (field) {
    case 'person': return `${alias}person(${argument(b, 'idNumber', 'ID!', rng.pick(ids))}) { ${selection(b, 'Person', depth)} }`;
    case 'persons': return `${alias}persons(${argument(b, 'idNumbers', '[ID!]!', some(ids))}) { ${selection(b, 'Person', depth)} }`;
    case 'personsByDivision': return connection('PersonConnection', [argument(b, 'divisionCode', 'String!', rng.pick(pools.divisions)), argument(b, 'first', 'Int', first)]);
    case 'legalEntity': return `${alias}legalEntity(${argument(b, 'creditCode', 'ID!', rng.pick(pools.creditCodes))}) { ${selection(b, 'LegalEntity', depth)} }`;
    case 'legalEntities': return `${alias}legalEntities(${argument(b, 'creditCodes', '[ID!]!', some(pools.creditCodes))}) { ${selection(b, 'LegalEntity', depth)} }`;
    case 'legalEntitiesByDivision': return connection('LegalEntityConnection', [argument(b, 'divisionCode', 'String!', rng.pick(pools.divisions)), argument(b, 'first', 'Int', first)]);
    case 'licence': return `${alias}licence(${argument(b, 'number', 'ID!', rng.pick(pools.licences))}) { ${selection(b, 'Licence', depth)} }`;
    case 'licencesByDivision': {
      const args = [argument(b, 'divisionCode', 'String!', rng.pick(pools.divisions)), argument(b, 'first', 'Int', first)];
      if (rng.chance(0.3)) args.push(`type: ${rng.pick(LICENCE_TYPES)}`);
      return connection('LicenceConnection', args);
    }
    case 'verifyPersonIdentity': {
      const id = rng.pick(ids);
      const name = rng.chance(0.5) ? pools.names.get(id) ?? '张三' : rng.pick(['张三', '李四', '王芳']);
      return `${alias}verifyPersonIdentity(${argument(b, 'idNumber', 'ID!', id)}, ${argument(b, 'name', 'String!', name)})`;
    }
    default: return '__typename';
  }
}

/** One valid query document (and its variables) for a caller of `kind`, from `seed`. */
export function validQuery(seed: number, kind: CallerKind, pools: Pools, scoped = false): { query: string; variables: Record<string, unknown> } {
  const b: Build = { rng: new Rng(seed), pools, fragments: [], variables: {}, declarations: [], aliases: 0 };
  const roots = Array.from({ length: 1 + b.rng.int(b.rng.chance(0.7) ? 1 : 3) }, (_, i) => rootField(b, kind, scoped, i));
  if (b.rng.chance(0.05)) roots.push('__typename');
  const head = b.declarations.length ? `query Q(${b.declarations.join(', ')})` : b.rng.chance(0.5) ? 'query Q' : '';
  return { query: `${head} { ${roots.join(' ')} } ${b.fragments.join(' ')}`.trim(), variables: b.variables };
}
