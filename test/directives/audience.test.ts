// audienceSchema: the contract each kind of caller may introspect, built from the real API schema.
import {
  getNamedType,
  isObjectType,
  isInterfaceType,
  isUnionType,
  validateSchema,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import { audienceSchema } from '../../directives/audience';
import { audiencesOf, controlOperation, mayCall, PLATFORM_OPERATIONS } from '../../directives/control-plane';
import type { Caller } from '../../directives/caller';
import { decideCoordinate } from '../../directives/decide';
import type { Coverage } from '../../directives/grants';
import { anonymous, developer, institution, realSchema } from './fixtures';

const { apiSchema, catalog } = realSchema();
const contracts = {
  anonymous: audienceSchema(apiSchema, catalog, 'anonymous'),
  institution: audienceSchema(apiSchema, catalog, 'institution'),
  developer: audienceSchema(apiSchema, catalog, 'developer'),
};
const callers: Record<'anonymous' | 'institution' | 'developer', Caller> = { anonymous, institution, developer };

function objectType(schema: GraphQLSchema, name: string): GraphQLObjectType {
  const type = schema.getType(name);
  if (!type || !isObjectType(type)) throw new Error(`${name} is not an object type of this contract`);
  return type;
}

function fieldNames(schema: GraphQLSchema, typeName: string): string[] {
  return Object.keys(objectType(schema, typeName).getFields());
}

/** Named types reachable from the root types through fields and union members. */
function reachable(schema: GraphQLSchema): Set<string> {
  const seen = new Set<string>();
  const visit = (type: GraphQLNamedType | null | undefined) => {
    if (!type || seen.has(type.name)) return;
    seen.add(type.name);
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        visit(getNamedType(field.type));
        for (const arg of field.args) visit(getNamedType(arg.type));
      }
    }
    if (isUnionType(type)) type.getTypes().forEach(visit);
  };
  visit(schema.getQueryType());
  visit(schema.getMutationType());
  return seen;
}

/** Every object type of the contract with every field, excluding introspection types. */
function contractFields(schema: GraphQLSchema): [string, string][] {
  return Object.values(schema.getTypeMap())
    .filter((t): t is GraphQLObjectType => isObjectType(t) && !t.name.startsWith('__'))
    .flatMap((t) => Object.keys(t.getFields()).map((f) => [t.name, f] as [string, string]));
}

describe('audienceSchema', () => {
  it('every contract is a valid schema without the policy vocabulary', () => {
    for (const schema of Object.values(contracts)) {
      expect(validateSchema(schema)).toEqual([]);
      for (const name of ['ShareAttribute', 'OpenAttribute', 'MaskStrategy', 'DataLevel']) expect(schema.getType(name)).toBeUndefined();
      for (const name of ['share', 'open', 'mask', 'level', 'dataset']) expect(schema.getDirective(name)).toBeUndefined();
    }
  });

  describe('anonymous', () => {
    const schema = contracts.anonymous;

    it('has no Person type at all, and no field leading to one', () => {
      expect(schema.getType('Person')).toBeUndefined();
      for (const [typeName, field] of contractFields(schema)) {
        expect(`${typeName}.${field} -> ${getNamedType(objectType(schema, typeName).getFields()[field].type).name}`).not.toMatch(/-> Person$/);
      }
      expect(fieldNames(schema, 'Query')).not.toEqual(expect.arrayContaining(['person']));
      expect(fieldNames(schema, 'Query')).not.toContain('persons');
      expect(fieldNames(schema, 'Query')).not.toContain('verifyPersonIdentity');
      expect(fieldNames(schema, 'LegalEntity')).not.toContain('legalRepresentative');
    });

    it('keeps LegalEntity’s public fields and the queries that reach them', () => {
      expect(fieldNames(schema, 'LegalEntity')).toEqual(
        expect.arrayContaining(['creditCode', 'name', 'kind', 'registeredCapital', 'establishedDate', 'status', 'address', 'divisionCode', 'businessScope', 'registrationAuthority']),
      );
      expect(fieldNames(schema, 'Query')).toEqual(expect.arrayContaining(['legalEntity', 'legalEntities', 'legalEntitiesByDivision']));
      expect(fieldNames(schema, 'LegalEntityConnection')).toEqual(['edges', 'pageInfo', 'totalCount']);
      // Conditionally open fields are not for the public.
      expect(fieldNames(schema, 'LegalEntity')).not.toContain('licences');
      expect(schema.getType('Licence')).toBeUndefined();
    });

    // BUG (directives/audience.ts): pruning removes emptied types and the fields that point to them, but
    // not types that became unreachable from Query. The anonymous contract still describes PersonConnection
    // (with totalCount), PersonEdge (cursor), LicenceConnection, LicenceEdge and the LicenceHolder union,
    // i.e. fields the public could never be given — contrary to the module's "shows only fields it could
    // ever be granted" and revealing the population catalog's shape to anyone.
    it('contains no object or union type unreachable from Query', () => {
      const live = reachable(schema);
      const dead = Object.values(schema.getTypeMap())
        .filter((t) => (isObjectType(t) || isUnionType(t)) && !t.name.startsWith('__') && !live.has(t.name))
        .map((t) => t.name);
      expect(dead).toEqual([]);
    });
  });

  describe('institution', () => {
    const schema = contracts.institution;

    it('hides Person.phone (不予共享) but shows Person.name (有条件共享)', () => {
      const person = fieldNames(schema, 'Person');
      expect(person).not.toContain('phone');
      expect(person).toContain('name');
      expect(person).toEqual(expect.arrayContaining(['idNumber', 'gender', 'birthDate', 'householdMembers', 'licences', 'legalEntities']));
    });

    it('keeps the union of licence holders whole, and the queries to persons', () => {
      const holder = schema.getType('LicenceHolder');
      expect(holder && isUnionType(holder) ? holder.getTypes().map((t) => t.name).sort() : []).toEqual(['LegalEntity', 'Person']);
      expect(fieldNames(schema, 'Query')).toEqual(expect.arrayContaining(['person', 'persons', 'personsByDivision', 'licence', 'verifyPersonIdentity']));
      expect(fieldNames(schema, 'LegalEntity')).toContain('legalRepresentative');
    });
  });

  describe('developer', () => {
    const schema = contracts.developer;

    it('shows Query.verifyPersonIdentity (conditionally open) but no Person data', () => {
      expect(fieldNames(schema, 'Query')).toContain('verifyPersonIdentity');
      expect(schema.getType('VerificationResult')).toBeDefined();
      expect(schema.getType('Person')).toBeUndefined();
      expect(fieldNames(schema, 'Query')).not.toContain('person');
    });

    it('shows conditionally open fields the public does not see', () => {
      const openToDevelopersOnly = [...catalog.fields.values()].filter((f) => f.open?.attribute === 'CONDITIONAL').map((f) => f.coordinate);
      expect(openToDevelopersOnly).toContain('Query.verifyPersonIdentity');
      for (const coordinate of openToDevelopersOnly) {
        const [typeName, field] = coordinate.split('.');
        const anon = contracts.anonymous.getType(typeName);
        if (anon && isObjectType(anon)) expect(Object.keys(anon.getFields())).not.toContain(field);
      }
    });
  });

  describe.each(['anonymous', 'institution', 'developer'] as const)('%s contract against the decisions', (kind) => {
    const schema = contracts[kind];
    // A caller of this kind with a grant covering everything, plainly, under a scenario.
    const everything = (): Coverage => ({ grantId: 'all', plain: true });
    const decide = (coordinate: string) =>
      decideCoordinate(catalog, coordinate, { caller: callers[kind], scenario: kind === 'anonymous' ? undefined : 'S', lookup: kind === 'anonymous' ? undefined : everything });

    it('shows only fields some grant could allow (soundness)', () => {
      const shown = contractFields(schema);
      expect(shown.length).toBeGreaterThan(10);
      const never = shown.filter(([t, f]) => !decide(`${t}.${f}`).allowed).map(([t, f]) => `${t}.${f}`);
      expect(never).toEqual([]);
    });

    it('shows every allowed field of a type it keeps, when the field’s type is kept too (completeness)', () => {
      const missing: string[] = [];
      for (const type of Object.values(schema.getTypeMap())) {
        if (!isObjectType(type) || type.name.startsWith('__')) continue;
        const apiType = apiSchema.getType(type.name) as GraphQLObjectType;
        for (const [name, field] of Object.entries(apiType.getFields())) {
          if (!decide(`${type.name}.${name}`).allowed) continue;
          // Control-plane operations are shown by the table of audiences (tested below), not by grants.
          if (controlOperation(type.name, name)) continue;
          if (!schema.getType(getNamedType(field.type).name)) continue;
          if (!(name in type.getFields())) missing.push(`${type.name}.${name}`);
        }
      }
      expect(missing).toEqual([]);
    });
  });

  describe('control-plane operations (hole 6: each audience sees only the operations it may call)', () => {
    const rootFields = (schema: GraphQLSchema, root: 'Query' | 'Mutation') => {
      const type = root === 'Query' ? schema.getQueryType() : schema.getMutationType();
      return Object.keys(type?.getFields() ?? {}).filter((name) => catalog.fields.get(`${root}.${name}`)?.platform);
    };

    it('the table lists every @platform root field of the supergraph, and nothing else', () => {
      for (const root of ['Query', 'Mutation'] as const) {
        expect(Object.keys(PLATFORM_OPERATIONS[root]).sort()).toEqual(rootFields(apiSchema, root).sort());
      }
    });

    const callersWithRoles: Caller[] = [
      anonymous,
      developer,
      { kind: 'subject', idNumber: '11010519491231002X' },
      { ...(institution as Extract<Caller, { kind: 'institution' }>), roles: ['institution'] },
      { ...(institution as Extract<Caller, { kind: 'institution' }>), roles: ['provider'] },
      { ...(institution as Extract<Caller, { kind: 'institution' }>), roles: ['admin'] },
      { ...(institution as Extract<Caller, { kind: 'institution' }>), roles: ['provider', 'admin'] },
    ];
    it.each(callersWithRoles.map((c) => [[...audiencesOf(c)].join('+'), c] as const))('%s: the contract shows exactly the operations the table lets it call', (_key, caller) => {
      const schema = audienceSchema(apiSchema, catalog, caller);
      for (const root of ['Query', 'Mutation'] as const) {
        const callable = Object.keys(PLATFORM_OPERATIONS[root]).filter((name) => mayCall(audiencesOf(caller), root, name));
        expect(rootFields(schema, root).sort()).toEqual(callable.sort());
      }
    });

    it('anonymous callers are shown no mutation at all', () => {
      expect(audienceSchema(apiSchema, catalog, anonymous).getMutationType()).toBeUndefined();
    });
  });
});
