// Hole 3: root fields have no @dataset type of their own; the catalog says under which dataset (and
// so by which provider) each is applied for and approved.
import { approvingDataset, readCatalog } from '../../directives/catalog';
import { realSchema } from './fixtures';

const { catalog } = realSchema();
const providerOf = (coordinate: string) => approvingDataset(catalog, coordinate)?.typeName;

describe('hole 3: root fields are approved by the provider of the dataset they return', () => {
  it('listings and lookups: the dataset of the records they return, through connections and edges', () => {
    expect(providerOf('Query.personsByDivision')).toBe('Person');
    expect(providerOf('Query.person')).toBe('Person');
    expect(providerOf('Query.licencesByDivision')).toBe('Licence');
    expect(providerOf('Query.licence')).toBe('Licence');
    expect(providerOf('Query.legalEntitiesByDivision')).toBe('LegalEntity');
  });

  it('a field returning no records (a verification answer): the dataset its subgraph provides', () => {
    expect(providerOf('Query.verifyPersonIdentity')).toBe('Person');
  });

  it('every shared or open root field has one; data fields keep their type; control-plane operations have none', () => {
    const roots = [...catalog.fields.values()].filter((f) => f.typeName === 'Query' && !f.platform && (f.share || f.open));
    expect(roots.length).toBeGreaterThan(5);
    expect(roots.filter((f) => !approvingDataset(catalog, f.coordinate)).map((f) => f.coordinate)).toEqual([]);
    expect(providerOf('Person.name')).toBe('Person');
    expect(approvingDataset(catalog, 'Query.auditRecords')).toBeUndefined();
    expect(approvingDataset(catalog, 'Query.nothing')).toBeUndefined();
  });

  it('a root field leading to two datasets has no single provider, so none', () => {
    const sdl = `
      directive @share(attribute: String) on FIELD_DEFINITION
      directive @dataset(code: String, providerCode: String) on OBJECT
      type A @dataset(code: "A", providerCode: "PA") { x: String @share(attribute: "UNCONDITIONAL") }
      type B @dataset(code: "B", providerCode: "PB") { y: String @share(attribute: "UNCONDITIONAL") }
      union AB = A | B
      type Query { a: A @share(attribute: "CONDITIONAL") ab: AB @share(attribute: "CONDITIONAL") }`;
    const small = readCatalog(sdl);
    expect(approvingDataset(small, 'Query.a')?.code).toBe('A');
    expect(approvingDataset(small, 'Query.ab')).toBeUndefined();
  });
});
