import {
  birthDateOfCitizenId, divisionOf, divisionOfCreditCode, divisionPrefix, fullDivisionName,
  genderOfCitizenId, isKnownDivision, validateCitizenId, validateCreditCode,
} from '../lib/identifiers';
import {
  DEFAULT_SEED, DEFAULT_SIZE, MAX_PERSONS, REFERENCE_DATE, creditCodeAt, generateLegalEntities, generateLicences,
  generatePersons, legalEntityAt, licenceAt, personAt, personIdAt, sizeForScale,
} from '../subgraphs/seed/generator';
import type { LegalEntityKind, LegalEntityRecord, LicenceRecord, LicenceType, PersonRecord } from '../subgraphs/seed/records';
import { SEEDED_COUNTY_CODES } from '../subgraphs/seed/seeded-divisions';

const SEED = DEFAULT_SEED;
const SIZE = DEFAULT_SIZE;

let persons: PersonRecord[];
let entities: LegalEntityRecord[];
let licences: LicenceRecord[];
let personById: Map<string, PersonRecord>;
let entityByCode: Map<string, LegalEntityRecord>;

beforeAll(() => {
  persons = [...generatePersons(SEED, SIZE.persons)].flat();
  entities = [...generateLegalEntities(SEED, SIZE)].flat();
  licences = [...generateLicences(SEED, SIZE)].flat();
  personById = new Map(persons.map((p) => [p.idNumber, p]));
  entityByCode = new Map(entities.map((e) => [e.creditCode, e]));
});

/** Asserts a rule over many records with one expect call, showing the first offenders if it fails. */
function expectEvery<T>(items: readonly T[], rule: (item: T) => boolean): void {
  const offenders = items.filter((item) => !rule(item));
  expect({ offenders: offenders.slice(0, 3), count: offenders.length }).toEqual({ offenders: [], count: 0 });
}

function share<T>(items: readonly T[], predicate: (item: T) => boolean): number {
  return items.filter(predicate).length / items.length;
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

function addYears(iso: string, years: number): string {
  return `${Number(iso.slice(0, 4)) + years}${iso.slice(4)}`;
}

describe('sizes', () => {
  test('scale 1 is the default and scale 50 has a million persons', () => {
    expect(sizeForScale(1)).toEqual(DEFAULT_SIZE);
    expect(sizeForScale(50)).toEqual({ persons: 1_000_000, legalEntities: 250_000, licences: 2_000_000 });
    expect(sizeForScale(0.1)).toEqual({ persons: 2000, legalEntities: 500, licences: 4000 });
    expect(() => sizeForScale(0)).toThrow(RangeError);
    expect(() => [...generatePersons(SEED, MAX_PERSONS + 1)]).toThrow(RangeError);
  });

  test('generators yield the requested counts in chunks', () => {
    expect(persons).toHaveLength(SIZE.persons);
    expect(entities).toHaveLength(SIZE.legalEntities);
    expect(licences).toHaveLength(SIZE.licences);
    const chunks = [...generatePersons(SEED, 12_345, 5000)];
    expect(chunks.map((c) => c.length)).toEqual([5000, 5000, 2345]);
  });
});

describe('determinism', () => {
  test('the same seed and size give byte-identical output', () => {
    expect(JSON.stringify([...generatePersons(SEED, SIZE.persons)])).toBe(JSON.stringify([...generatePersons(SEED, SIZE.persons, 5000)]));
    expect(JSON.stringify([...generateLegalEntities(SEED, SIZE)].flat())).toBe(JSON.stringify(entities));
    expect(JSON.stringify([...generateLicences(SEED, SIZE)].flat())).toBe(JSON.stringify(licences));
  });

  test('output does not depend on the chunk size', () => {
    expect([...generatePersons(SEED, SIZE.persons, 777)].flat()).toEqual(persons);
    expect([...generateLegalEntities(SEED, SIZE, 333)].flat()).toEqual(entities);
    expect([...generateLicences(SEED, SIZE, 4096)].flat()).toEqual(licences);
  });

  test('a person is the same in a smaller or larger dataset', () => {
    expect([...generatePersons(SEED, 1000)].flat()).toEqual(persons.slice(0, 1000));
  });

  test('records can be regenerated alone by index', () => {
    for (const i of [0, 1, 15, 16, 4321, SIZE.persons - 1]) {
      expect(personAt(SEED, i)).toEqual(persons[i]);
      expect(personIdAt(SEED, i)).toBe(persons[i].idNumber);
    }
    for (const k of [0, 99, 100, 2500, SIZE.legalEntities - 1]) {
      expect(legalEntityAt(SEED, SIZE, k)).toEqual(entities[k]);
      expect(creditCodeAt(SEED, k)).toBe(entities[k].creditCode);
    }
    for (const n of [0, 7, 39_999]) expect(licenceAt(SEED, SIZE, n)).toEqual(licences[n]);
  });

  test('another seed gives other data', () => {
    const other = [...generatePersons(SEED + 1, 100)].flat();
    expect(other.filter((p, i) => p.idNumber === persons[i].idNumber)).toHaveLength(0);
  });
});

describe('persons', () => {
  test('citizen ids are unique, valid and agree with birth date, gender and division', () => {
    expect(personById.size).toBe(persons.length);
    expectEvery(persons, (p) => validateCitizenId(p.idNumber, REFERENCE_DATE).ok
      && birthDateOfCitizenId(p.idNumber) === p.birthDate
      && genderOfCitizenId(p.idNumber) === p.gender
      && p.idNumber.slice(0, 6) === p.divisionCode);
  });

  test('birth dates span 1930-2025 and genders are balanced', () => {
    const dates = persons.map((p) => p.birthDate).sort();
    expect(dates[0] >= '1930-01-01').toBe(true);
    expect(dates[dates.length - 1] <= '2025-12-31').toBe(true);
    expect(dates[0] < '1940-01-01').toBe(true);
    expect(dates[dates.length - 1] > '2024-01-01').toBe(true);
    expect(share(persons, (p) => p.gender === 'MALE')).toBeCloseTo(0.5, 1);
    expect(persons.some((p) => p.birthDate.endsWith('-02-29'))).toBe(true);
  });

  test('every county has residents and Kunming has the most', () => {
    const byCounty = countBy(persons, (p) => p.divisionCode);
    expect([...byCounty.keys()].sort()).toEqual([...SEEDED_COUNTY_CODES].sort());
    const byPrefecture = countBy(persons, (p) => p.divisionCode.slice(0, 4));
    const [largest] = [...byPrefecture].sort((a, b) => b[1] - a[1])[0];
    expect(largest).toBe('5301');
  });

  test('addresses follow the household-register format in the person\'s own division', () => {
    expectEvery(persons, (p) => {
      const prefix = fullDivisionName(p.divisionCode)!;
      return p.householdAddress.startsWith(prefix)
        && /^[\u4e00-\u9fa5]+路\d{1,3}号\d{1,2}栋\d单元\d{3,4}室$/.test(p.householdAddress.slice(prefix.length));
    });
    expect(persons[0].householdAddress).toMatch(/^(云南省|贵州省|四川省)/);
  });

  test('households have 1-5 members sharing number, address and division', () => {
    const households = new Map<string, PersonRecord[]>();
    for (const p of persons) households.set(p.householdNumber, [...(households.get(p.householdNumber) ?? []), p]);
    const sizes = countBy([...households.values()], (members) => String(members.length));
    expect([...sizes.keys()].sort()).toEqual(['1', '2', '3', '4', '5']);
    expectEvery([...households], ([number, members]) => number.startsWith(members[0].divisionCode)
      && members.every((m) => m.householdAddress === members[0].householdAddress && m.divisionCode === members[0].divisionCode));
    const average = persons.length / households.size;
    expect(average).toBeGreaterThan(2.3);
    expect(average).toBeLessThan(3.2);
  });

  test('names are Chinese, with rare compound surnames and Tibetan names in Ganzi', () => {
    expectEvery(persons, (p) => /^[\u4e00-\u9fa5]{2,4}$/.test(p.name));
    const compound = persons.filter((p) => /^(欧阳|司马|上官|诸葛|司徒|皇甫|令狐|东方|慕容|夏侯|公孙|尉迟)/.test(p.name));
    expect(compound.length).toBeGreaterThan(0);
    expect(compound.length / persons.length).toBeLessThan(0.005);
    const tibetans = persons.filter((p) => p.ethnicity === '藏族');
    expect(tibetans.every((p) => p.divisionCode.startsWith('5133'))).toBe(true);
    expect(tibetans.some((p) => p.name.length === 4)).toBe(true);
  });

  test('ethnicities follow the region', () => {
    const inArea = (prefix: string) => persons.filter((p) => p.divisionCode.startsWith(prefix));
    expect(share(inArea('5301'), (p) => p.ethnicity === '汉族')).toBeGreaterThan(0.7);
    expect(share(inArea('5133'), (p) => p.ethnicity === '藏族')).toBeGreaterThan(0.5);
    const yunnan = new Set(inArea('53').map((p) => p.ethnicity));
    for (const group of ['彝族', '白族', '哈尼族', '傣族', '回族', '苗族']) expect(yunnan.has(group)).toBe(true);
    const guiyang = new Set(inArea('5201').map((p) => p.ethnicity));
    for (const group of ['苗族', '布依族']) expect(guiyang.has(group)).toBe(true);
  });

  test('phones are real mobile numbers or null, status mostly ALIVE', () => {
    expectEvery(persons, (p) => p.phone === null || /^1(3\d|4[57]|5[0-35-9]|66|7[35-8]|8\d|9[189])\d{8}$/.test(p.phone));
    expect(share(persons, (p) => p.phone === null)).toBeGreaterThan(0.05);
    expect(share(persons, (p) => p.phone === null)).toBeLessThan(0.4);
    expect(share(persons, (p) => p.status === 'ALIVE')).toBeGreaterThan(0.9);
    expect(persons.some((p) => p.status === 'DECEASED')).toBe(true);
    expect(persons.some((p) => p.status === 'EMIGRATED')).toBe(true);
  });
});

describe('legal entities', () => {
  const PREFIX: Record<LegalEntityKind, string> = {
    ENTERPRISE: '91', INDIVIDUAL_BUSINESS: '92', FARMER_COOPERATIVE: '93',
    GOVERNMENT_AGENCY: '11', PUBLIC_INSTITUTION: '12', SOCIAL_ORGANISATION: '51',
  };

  test('credit codes are unique, valid and carry kind and division', () => {
    expect(entityByCode.size).toBe(entities.length);
    expectEvery(entities, (e) => validateCreditCode(e.creditCode).ok
      && e.creditCode.slice(0, 2) === PREFIX[e.kind]
      && divisionOfCreditCode(e.creditCode) === e.divisionCode
      && isKnownDivision(e.divisionCode));
    expect(new Set(entities.map((e) => e.kind)).size).toBe(6);
  });

  test('codes issued since GB 32100 use the new organisation-code form', () => {
    expectEvery(entities, (e) => e.establishedDate < '2015-10-01' || /^M[ABJ]$/.test(e.creditCode.slice(8, 10)));
    expect(entities.some((e) => /^\d{9}$/.test(e.creditCode.slice(8, 17)))).toBe(true);
  });

  test('legal representatives are generated persons, alive and of working age at establishment', () => {
    expectEvery(entities, (e) => {
      const rep = personById.get(e.legalRepresentativeIdNumber);
      return rep !== undefined && rep.birthDate <= addYears(e.establishedDate, -18) && rep.status === 'ALIVE';
    });
  });

  test('capital, dates, status and authorities fit the kind', () => {
    const authority: Record<string, RegExp> = {
      GOVERNMENT_AGENCY: /机构编制委员会办公室$/, PUBLIC_INSTITUTION: /机构编制委员会办公室$/,
      SOCIAL_ORGANISATION: /民政(局|厅)$/,
    };
    expectEvery(entities, (e) => (e.registeredCapital === null) === (e.kind !== 'ENTERPRISE')
      && e.establishedDate >= '1980-01-01' && e.establishedDate <= '2025-12-31'
      && e.address.startsWith(fullDivisionName(e.divisionCode.slice(0, 2) + '0000')!)
      && /^[\u4e00-\u9fa5]{2}/.test(e.businessScope) && e.businessScope.length >= 4
      && (e.kind !== 'FARMER_COOPERATIVE' || e.establishedDate >= '2007-07-01')
      && (authority[e.kind] ?? /市场监督管理局$/).test(e.registrationAuthority));
    expect(share(entities, (e) => e.status === 'ACTIVE')).toBeGreaterThan(0.75);
    expect(entities.some((e) => e.status === 'DEREGISTERED')).toBe(true);
    expect(entities.some((e) => e.status === 'REVOKED')).toBe(true);
    const wuhua = entities.find((e) => e.divisionCode === '530102' && e.kind === 'ENTERPRISE')!;
    expect(wuhua.registrationAuthority).toBe('昆明市五华区市场监督管理局');
  });

  test('names look real and public bodies are not duplicated', () => {
    const names = (kind: LegalEntityKind) => entities.filter((e) => e.kind === kind).map((e) => e.name);
    expectEvery(names('ENTERPRISE'), (name) => /(有限公司|有限责任公司|股份有限公司)$/.test(name));
    expectEvery(names('FARMER_COOPERATIVE'), (name) => name.endsWith('专业合作社'));
    expect(names('INDIVIDUAL_BUSINESS').some((n) => /记/.test(n))).toBe(true);
    for (const kind of ['GOVERNMENT_AGENCY', 'PUBLIC_INSTITUTION', 'SOCIAL_ORGANISATION'] as const) {
      expect(new Set(names(kind)).size).toBe(names(kind).length);
    }
    expect(names('SOCIAL_ORGANISATION').some((n) => /(协会|学会|商会|联合会|总会|促进会)$/.test(n))).toBe(true);
    expect(names('PUBLIC_INSTITUTION').some((n) => /(医院|中学|小学|图书馆|档案馆|中心)$/.test(n))).toBe(true);
  });
});

describe('licences', () => {
  const PERSON_TYPES: LicenceType[] = ['RESIDENT_ID_CARD', 'DRIVING_LICENCE', 'MARRIAGE_CERTIFICATE', 'PRACTISING_CERTIFICATE'];

  test('numbers are unique and encode type prefix, division and year', () => {
    expect(new Set(licences.map((l) => l.number)).size).toBe(licences.length);
    expectEvery(licences, (l) => /^[A-Z]{3,4}-\d{6}-\d{4}-\d{7}$/.test(l.number)
      && l.number.split('-')[1] === l.divisionCode
      && l.number.split('-')[2] === l.issuedOn.slice(0, 4)
      && isKnownDivision(l.divisionCode));
  });

  test('every holder is a generated person or entity of the right kind, and existed at issue', () => {
    expectEvery(licences, (l) => {
      if (PERSON_TYPES.includes(l.type)) {
        const holder = personById.get(l.holderId);
        return l.holderKind === 'PERSON' && holder !== undefined
          && l.issuedOn >= holder.birthDate
          && (l.type !== 'DRIVING_LICENCE' || l.issuedOn >= addYears(holder.birthDate, 18))
          && (holder.status === 'ALIVE' || l.status === 'REVOKED');
      }
      const holder = entityByCode.get(l.holderId);
      return l.holderKind === 'LEGAL_ENTITY' && holder !== undefined
        && l.issuedOn >= holder.establishedDate
        && (l.type !== 'BUSINESS_LICENCE' || ['ENTERPRISE', 'INDIVIDUAL_BUSINESS', 'FARMER_COOPERATIVE'].includes(holder.kind))
        && (holder.status === 'ACTIVE' || l.status === 'REVOKED');
    });
    const personShare = share(licences, (l) => l.holderKind === 'PERSON');
    expect(personShare).toBeGreaterThan(0.55);
    expect(personShare).toBeLessThan(0.65);
    expect(new Set(licences.map((l) => l.type)).size).toBe(7);
  });

  test('status agrees with dates relative to the reference date', () => {
    expectEvery(licences, (l) => l.issuedOn <= REFERENCE_DATE
      && (l.validUntil === null || l.validUntil > l.issuedOn)
      && (l.status !== 'EXPIRED' || (l.validUntil !== null && l.validUntil < REFERENCE_DATE))
      && (l.status !== 'VALID' || l.validUntil === null || l.validUntil >= REFERENCE_DATE));
    const statuses = countBy(licences, (l) => l.status);
    expect(statuses.get('VALID')! / licences.length).toBeGreaterThan(0.4);
    expect(statuses.get('EXPIRED')).toBeGreaterThan(0);
    expect(statuses.get('REVOKED')! / licences.length).toBeLessThan(0.15);
  });

  test('identity cards follow the 5/10/20-year and long-term rule and come from the holder\'s police', () => {
    expectEvery(licences.filter((l) => l.type === 'RESIDENT_ID_CARD'), (l) => {
      const holder = personById.get(l.holderId)!;
      const years = l.validUntil === null ? null : Number(l.validUntil.slice(0, 4)) - Number(l.issuedOn.slice(0, 4));
      const ageAtIssue = Number(l.issuedOn.slice(0, 4)) - Number(holder.birthDate.slice(0, 4))
        - (l.issuedOn.slice(5) < holder.birthDate.slice(5) ? 1 : 0);
      const expectedYears = ageAtIssue < 16 ? 5 : ageAtIssue <= 25 ? 10 : ageAtIssue <= 45 ? 20 : null;
      return l.divisionCode === holder.divisionCode && /公安局(.+分局)?$/.test(l.issuingAuthority) && years === expectedYears;
    });
    const wuhua = licences.find((l) => l.type === 'RESIDENT_ID_CARD' && l.divisionCode === '530102')!;
    expect(wuhua.issuingAuthority).toBe('昆明市公安局五华分局');
  });

  test('issuing authorities fit the type and division', () => {
    const expected: Record<LicenceType, RegExp> = {
      RESIDENT_ID_CARD: /公安局/,
      DRIVING_LICENCE: /公安局交通警察支队车辆管理所$/,
      MARRIAGE_CERTIFICATE: /民政局$/,
      PRACTISING_CERTIFICATE: /(卫生健康委员会|药品监督管理局)$/,
      BUSINESS_LICENCE: /市场监督管理局$/,
      FOOD_BUSINESS_PERMIT: /市场监督管理局$/,
      CONSTRUCTION_PERMIT: /住房和城乡建设局$/,
    };
    expectEvery(licences, (l) => {
      // The authority is named after its own division (五华区 -> 五华分局, so compare the first two characters).
      const division = divisionOf(l.divisionCode)!;
      const holderDivision = l.holderKind === 'LEGAL_ENTITY' ? entityByCode.get(l.holderId)!.divisionCode : null;
      return expected[l.type].test(l.issuingAuthority)
        && l.issuingAuthority.includes(division.name.slice(0, 2))
        && (holderDivision === null || (l.type === 'CONSTRUCTION_PERMIT'
          ? l.divisionCode.startsWith(divisionPrefix(holderDivision))
          : l.divisionCode === holderDivision));
    });
  });
});

describe('tiny datasets', () => {
  test('references still resolve when few holders exist', () => {
    for (const size of [{ persons: 1, legalEntities: 1, licences: 30 }, { persons: 5, legalEntities: 150, licences: 300 }, { persons: 3, legalEntities: 0, licences: 10 }]) {
      const ids = new Set([...generatePersons(7, size.persons)].flat().map((p) => p.idNumber));
      const tinyEntities = [...generateLegalEntities(7, size)].flat();
      const codes = new Set(tinyEntities.map((e) => e.creditCode));
      expectEvery(tinyEntities, (e) => ids.has(e.legalRepresentativeIdNumber));
      expectEvery([...generateLicences(7, size)].flat(), (l) => (l.holderKind === 'PERSON' ? ids : codes).has(l.holderId));
    }
    expect(() => [...generateLegalEntities(7, { persons: 0, legalEntities: 1, licences: 0 })]).toThrow(RangeError);
  });
});

describe('uniqueness by construction at scale', () => {
  test('a million generated persons have a million distinct citizen ids', () => {
    // Streams chunks, as a loader would; only the ids are kept.
    const ids = new Set<string>();
    for (const chunk of generatePersons(SEED, 1_000_000)) for (const p of chunk) ids.add(p.idNumber);
    expect(ids.size).toBe(1_000_000);
  });

  test('indices sharing a key differ only in birth year', () => {
    // i and i + 366 000 share month-day and sequence; their years must differ (see generator.ts).
    for (const key of [0, 1, 12_345, 365_999]) {
      const laps = [0, 1, 2, 3].map((lap) => personIdAt(SEED, key + lap * 366_000));
      expect(new Set(laps.map((id) => id.slice(10, 17))).size).toBe(1);
      expect(new Set(laps.map((id) => id.slice(6, 10))).size).toBe(4);
    }
  });
});
