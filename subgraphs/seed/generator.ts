// Deterministic synthetic persons, legal entities and licences for Yunnan, Guiyang and Ganzi: the one entry importers use, re-exporting the modules' API.
//
// Every record is a pure function of (seed, index): it draws from its own PRNG stream (mixSeed(seed, stream,
// index)), so any record can be regenerated alone. That lets each domain be generated in its own process in
// O(chunk) memory: an entity finds its legal representative by regenerating a few persons by index, and a
// licence regenerates its holder the same way.
//
// Uniqueness holds by construction, not by checking: see persons.ts (citizen ids, household numbers),
// legal-entities.ts (credit codes) and licences.ts (licence numbers).
//
// Modules: common.ts (reference date, PRNG stream tags, date helpers), random.ts (seeded PRNG), records.ts (row
// shapes), sizes.ts (seed, sizes, scaling), places.ts (counties, authorities), names.ts (names, phones),
// persons.ts, entity-catalogue.ts (industries, public bodies), legal-entities.ts, licences.ts.

export { REFERENCE_DATE } from './common';
export { creditCodeAt, generateLegalEntities, legalEntityAt } from './legal-entities';
export { generateLicences, licenceAt } from './licences';
export { MAX_PERSONS, generatePersons, personAt, personIdAt } from './persons';
export {
  DEFAULT_SEED, DEFAULT_SIZE, MAX_LEGAL_ENTITIES, MAX_LICENCES, sizeForScale,
} from './sizes';
