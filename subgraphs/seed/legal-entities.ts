// Legal entities: kinds in fixed shares, GB 32100 credit codes unique by construction, public bodies named by enumeration.

import { divisionOf, makeCreditCode } from '../../lib/identifiers';
import {
  REFERENCE_YEAR, Stream, addYears, assertIndex, chunked, pad, yearOf,
} from './common';
import {
  type BusinessLine, type Department, COUNTY_INSTITUTIONS, DEPARTMENTS, HOSPITAL_SCOPE, INSTITUTION_SCOPES,
  INSTITUTION_TEMPLATES, JOINT_STOCK_CAPITAL, LEGAL_FORMS, LIMITED_CAPITAL, LOCAL_SOCIAL_TOPICS, MIDDLE_SCHOOL_SCOPE,
  PRIMARY_SCHOOL_SCOPE, PUBLIC_BODY_AREAS, SOCIAL_TOPICS, TOWNSHIP_UNITS, UPPER_INSTITUTIONS, enterpriseName,
  marketLine, publicLine, regionalBrands,
} from './entity-catalogue';
import { type PersonSynthesizer, personSynthesizer } from './persons';
import {
  COUNTIES_BY_POPULATION, SEAT_COUNTIES, TOWNSHIP_PLACES, authorityArea, countyOf,
} from './places';
import { Random, mixSeed } from './random';
import type { DatasetSize, LegalEntityKind, LegalEntityRecord, LegalEntityStatus } from './records';
import { SEEDED_COUNTY_CODES } from './seeded-divisions';
import { MAX_LEGAL_ENTITIES, assertSize } from './sizes';

// Module-local aliases: inside vm contexts (jest runs tests in one) every global lookup such as `Math` goes
// through an interceptor, which makes the per-record hot paths an order of magnitude slower.
const { floor, min, sqrt } = Math;

export function* generateLegalEntities(seed: number, size: DatasetSize, chunkSize = 5000): Generator<LegalEntityRecord[]> {
  assertSize(size);
  const entities = entitySynthesizer(seed, size.persons);
  yield* chunked(size.legalEntities, chunkSize, (k) => entities.at(k));
}

/** The k-th legal entity's credit code; independent of the dataset size. */
export function creditCodeAt(seed: number, k: number): string {
  assertIndex(k, MAX_LEGAL_ENTITIES);
  return entitySynthesizer(seed, 0).plan(k).creditCode;
}

export function legalEntityAt(seed: number, size: DatasetSize, k: number): LegalEntityRecord {
  assertIndex(k, size.legalEntities);
  return entitySynthesizer(seed, size.persons).at(k);
}

export interface EntityPlan {
  index: number;
  kind: LegalEntityKind;
  divisionCode: string;
  establishedDate: string;
  status: LegalEntityStatus;
  creditCode: string;
  registrationAuthority: string;
  line: BusinessLine;
}

// Registration authority and organisation type characters of the credit code, by kind.
const KIND_CODE: Readonly<Record<LegalEntityKind, readonly [string, string]>> = {
  ENTERPRISE: ['9', '1'], INDIVIDUAL_BUSINESS: ['9', '2'], FARMER_COOPERATIVE: ['9', '3'],
  GOVERNMENT_AGENCY: ['1', '1'], PUBLIC_INSTITUTION: ['1', '2'], SOCIAL_ORGANISATION: ['5', '1'],
};
// Codes issued since GB 32100 took effect start their organisation code with a per-authority letter pair.
const NEW_BODY_PREFIX: Readonly<Record<string, string>> = { 9: 'MA', 1: 'MB', 5: 'MJ' };
const CREDIT_CODE_START = '2015-10-01';
// Kinds per 100 entities. A fixed share lets the n-th entity of a kind be counted from the index, which gives
// public bodies unique names by enumeration.
const KIND_SHARES: ReadonlyArray<readonly [LegalEntityKind, number]> = [
  ['ENTERPRISE', 62], ['INDIVIDUAL_BUSINESS', 28], ['FARMER_COOPERATIVE', 4],
  ['GOVERNMENT_AGENCY', 1], ['PUBLIC_INSTITUTION', 3], ['SOCIAL_ORGANISATION', 2],
];
// Credit codes are unique by construction: the organisation-code body is an index bijection (legacy 8 digits,
// or "M?" + 6 base-31 characters for codes issued from 2015-10); the two forms never overlap.
const LEGACY_BODY_SPACE = 100_000_000;  // 8 digits
const NEW_BODY_SPACE = 31 ** 6;         // 6 credit-code characters after the two-letter prefix
const BODY_MULTIPLIER = 7_654_321;      // coprime to both spaces

const entitySynthesizers = new Map<string, LegalEntitySynthesizer>();
export function entitySynthesizer(seed: number, personCount: number): LegalEntitySynthesizer {
  const key = `${seed}:${personCount}`;
  let synthesizer = entitySynthesizers.get(key);
  if (!synthesizer) {
    if (entitySynthesizers.size > 8) entitySynthesizers.clear();
    synthesizer = new LegalEntitySynthesizer(seed, personCount);
    entitySynthesizers.set(key, synthesizer);
  }
  return synthesizer;
}

export class LegalEntitySynthesizer {
  private readonly persons: PersonSynthesizer;
  private readonly kindSlots: LegalEntityKind[];
  private readonly rankInKind: number[];
  private readonly areaOrder: string[];
  private readonly departmentOrder: Department[];
  private readonly legacyOffset: number;
  private readonly newOffset: number;

  constructor(readonly seed: number, private readonly personCount: number) {
    this.persons = personSynthesizer(seed);
    const setup = new Random(mixSeed(seed, Stream.entitySetup));
    this.kindSlots = shuffle(setup, KIND_SHARES.flatMap(([kind, share]) => Array<LegalEntityKind>(share).fill(kind)));
    const seen = new Map<LegalEntityKind, number>();
    this.rankInKind = this.kindSlots.map((kind) => {
      const rank = seen.get(kind) ?? 0;
      seen.set(kind, rank + 1);
      return rank;
    });
    this.areaOrder = shuffle(setup, [...PUBLIC_BODY_AREAS]);
    this.departmentOrder = shuffle(setup, [...DEPARTMENTS]);
    this.legacyOffset = setup.int(0, LEGACY_BODY_SPACE - 1);
    this.newOffset = setup.int(0, NEW_BODY_SPACE - 1);
  }

  /** Everything about the k-th entity that does not depend on the person dataset. */
  plan(k: number): EntityPlan {
    const slot = k % 100;
    const kind = this.kindSlots[slot];
    const share = KIND_SHARES.find(([c]) => c === kind)![1];
    const ordinal = floor(k / 100) * share + this.rankInKind[slot]; // n-th entity of this kind
    const rng = new Random(mixSeed(this.seed, Stream.entityPlan, k));

    let divisionCode: string;
    let line: BusinessLine;
    let earliest = '1980-01-01';
    switch (kind) {
      case 'GOVERNMENT_AGENCY': ({ divisionCode, line, earliest } = this.agency(ordinal)); break;
      case 'PUBLIC_INSTITUTION': ({ divisionCode, line } = this.institution(ordinal)); break;
      case 'SOCIAL_ORGANISATION': ({ divisionCode, line } = this.socialOrganisation(ordinal)); earliest = '1985-01-01'; break;
      default: {
        const county = rng.weighted(COUNTIES_BY_POPULATION);
        // Larger enterprises register with the prefecture's bureau.
        divisionCode = kind === 'ENTERPRISE' && rng.chance(0.15) ? county.prefecture.code : county.code;
        line = marketLine(rng, kind, county);
        // 农民专业合作社法 took effect on 2007-07-01.
        if (kind === 'FARMER_COOPERATIVE') earliest = '2007-07-01';
      }
    }

    const establishedDate = kind === 'ENTERPRISE' || kind === 'INDIVIDUAL_BUSINESS'
      ? growingDate(rng, earliest) // private business grew steadily: more recent dates are likelier
      : rng.dateBetween(earliest, '2025-12-31');
    const status = entityStatus(rng, kind, establishedDate);

    const [registration, orgType] = KIND_CODE[kind];
    const usesNewCode = establishedDate >= CREDIT_CODE_START || kind === 'INDIVIDUAL_BUSINESS' || kind === 'FARMER_COOPERATIVE';
    const body = usesNewCode
      ? NEW_BODY_PREFIX[registration] + base31((k * BODY_MULTIPLIER + this.newOffset) % NEW_BODY_SPACE, 6)
      : pad((k * BODY_MULTIPLIER + this.legacyOffset) % LEGACY_BODY_SPACE, 8);

    return {
      index: k,
      kind,
      divisionCode,
      establishedDate,
      status,
      creditCode: makeCreditCode(registration, orgType, divisionCode, body),
      registrationAuthority: registrationAuthority(kind, divisionCode),
      line,
    };
  }

  at(k: number): LegalEntityRecord {
    const plan = this.plan(k);
    const representative = this.representative(plan);
    const rng = new Random(mixSeed(this.seed, Stream.entityDetail, k));
    const addressCounty = countyOf(
      divisionOf(plan.divisionCode)!.level === 'county' ? plan.divisionCode : rng.pick(SEAT_COUNTIES[plan.divisionCode]),
    );
    const office = plan.kind === 'ENTERPRISE' && rng.chance(0.5) ? `${rng.int(1, 30)}栋${rng.int(1, 28)}${pad(rng.int(1, 20), 2)}室` : '';
    const address = `${addressCounty.fullName}${rng.pick(addressCounty.roads)}路${rng.int(1, 999)}号${office}`;

    let name = plan.line.label;
    let registeredCapital: number | null = null;
    // Small businesses put their county first, e.g. 五华区张记米线店, 宜良县金穗蔬菜种植专业合作社.
    const county = divisionOf(plan.divisionCode)!.name;
    switch (plan.kind) {
      case 'ENTERPRISE': {
        const form = rng.weighted(LEGAL_FORMS);
        name = enterpriseName(rng, plan.divisionCode, plan.line.label, form);
        registeredCapital = form === '股份有限公司' ? rng.pick(JOINT_STOCK_CAPITAL) : rng.weighted(LIMITED_CAPITAL);
        break;
      }
      case 'INDIVIDUAL_BUSINESS': {
        const surname = this.persons.surnameAt(representative);
        // "张记" names need a surname; Tibetan and Dai owners get a trade name instead.
        const trade = surname && rng.chance(0.7) ? `${surname}记` : rng.pick(regionalBrands(plan.divisionCode));
        name = `${county}${trade}${plan.line.label}`;
        break;
      }
      case 'FARMER_COOPERATIVE':
        name = `${county}${rng.pick(regionalBrands(plan.divisionCode))}${plan.line.label}专业合作社`;
        break;
      default:
        break; // public bodies were named when planned
    }

    return {
      creditCode: plan.creditCode,
      name,
      kind: plan.kind,
      legalRepresentativeIdNumber: this.persons.core(representative).idNumber,
      registeredCapital,
      establishedDate: plan.establishedDate,
      status: plan.status,
      address,
      divisionCode: plan.divisionCode,
      businessScope: plan.line.scope,
      registrationAuthority: plan.registrationAuthority,
    };
  }

  /**
   * Index of a person who was 18-70 when the entity was established and is alive, preferably from the same
   * province. Sampling is bounded; in tiny datasets the best candidate seen is used.
   */
  private representative(plan: EntityPlan): number {
    if (this.personCount <= 0) throw new RangeError('legal entities need persons to act as legal representatives');
    const rng = new Random(mixSeed(this.seed, Stream.entityRepresentative, plan.index));
    const province = plan.divisionCode.slice(0, 2);
    const latestBirth = addYears(plan.establishedDate, -18);
    const earliestBirth = addYears(plan.establishedDate, -70);
    let fallback = -1;
    let fallbackBirth = '';
    for (let attempt = 0; attempt < 60; attempt++) {
      const i = rng.int(0, this.personCount - 1);
      const person = this.persons.core(i);
      const adult = person.birthDate <= latestBirth && person.birthDate >= earliestBirth;
      if (adult && person.status === 'ALIVE' && (attempt >= 30 || person.idNumber.startsWith(province))) return i;
      if (fallback < 0 || person.birthDate < fallbackBirth) {
        fallback = i;
        fallbackBirth = person.birthDate;
      }
    }
    return fallback;
  }

  private agency(ordinal: number): { divisionCode: string; line: BusinessLine; earliest: string } {
    const areas = this.areaOrder.length;
    const capacity = areas * this.departmentOrder.length;
    if (ordinal < capacity) {
      const cell = scatter(ordinal, capacity);
      const divisionCode = this.areaOrder[cell % areas];
      const department = this.departmentOrder[floor(cell / areas)];
      const provincial = divisionOf(divisionCode)!.level === 'province';
      const label = authorityArea(divisionCode) + (provincial ? department.provincialName : department.name);
      return { divisionCode, line: publicLine(label, department.duty), earliest: department.since };
    }
    // Beyond one body per department and area: township governments and sub-district offices.
    const { county, place, topic: [unit, duty] } = townshipSlot(ordinal - capacity, TOWNSHIP_UNITS);
    return { divisionCode: county, line: publicLine(`${authorityArea(county)}${place}${unit}`, duty), earliest: '1984-01-01' };
  }

  private institution(ordinal: number): { divisionCode: string; line: BusinessLine } {
    const areas = this.areaOrder.length;
    const capacity = areas * INSTITUTION_TEMPLATES;
    let divisionCode: string;
    let suffix: string;
    let scope: string;
    if (ordinal < capacity) {
      // One of each standard institution per area first, in scattered order.
      const cell = scatter(ordinal, capacity);
      divisionCode = this.areaOrder[cell % areas];
      const templates = divisionOf(divisionCode)!.level === 'county' ? COUNTY_INSTITUTIONS : UPPER_INSTITUTIONS;
      suffix = templates[floor(cell / areas)];
      scope = INSTITUTION_SCOPES[suffix];
    } else {
      // Then numbered hospitals and schools: 第二人民医院, 第二中学, 第一小学, 第三人民医院, …
      divisionCode = this.areaOrder[(ordinal - capacity) % areas];
      const t = floor((ordinal - capacity) / areas);
      const cycle = floor(t / 3);
      [suffix, scope] = [
        [`第${chineseNumeral(cycle + 2)}人民医院`, HOSPITAL_SCOPE],
        [`第${chineseNumeral(cycle + 2)}中学`, MIDDLE_SCHOOL_SCOPE],
        [`第${chineseNumeral(cycle + 1)}小学`, PRIMARY_SCHOOL_SCOPE],
      ][t % 3];
    }
    return { divisionCode, line: publicLine(authorityArea(divisionCode) + suffix, scope) };
  }

  private socialOrganisation(ordinal: number): { divisionCode: string; line: BusinessLine } {
    const areas = this.areaOrder.length;
    const capacity = areas * SOCIAL_TOPICS.length;
    if (ordinal < capacity) {
      const cell = scatter(ordinal, capacity);
      const divisionCode = this.areaOrder[cell % areas];
      const [topic, scope] = SOCIAL_TOPICS[floor(cell / areas)];
      return { divisionCode, line: publicLine(authorityArea(divisionCode) + topic, scope, false) };
    }
    const { county, place, topic: [topic, scope] } = townshipSlot(ordinal - capacity, LOCAL_SOCIAL_TOPICS);
    return { divisionCode: county, line: publicLine(`${authorityArea(county)}${place}${topic}`, scope, false) };
  }
}

/**
 * A bijection of [0, capacity) that spreads consecutive ordinals over the (area × template) grid, so the first
 * few public bodies are not all of one department. The multiplier is a prime above any capacity used here.
 */
function scatter(ordinal: number, capacity: number): number {
  return (ordinal * SCATTER_PRIME) % capacity;
}
const SCATTER_PRIME = 1_000_003;

/** m-th (county, township place, topic) combination; unique up to counties × places × topics, then repeats. */
function townshipSlot<T>(m: number, topics: readonly T[]): { county: string; place: string; topic: T } {
  const county = SEEDED_COUNTY_CODES[m % SEEDED_COUNTY_CODES.length];
  const rest = floor(m / SEEDED_COUNTY_CODES.length);
  return {
    county,
    place: TOWNSHIP_PLACES[rest % TOWNSHIP_PLACES.length],
    topic: topics[floor(rest / TOWNSHIP_PLACES.length) % topics.length],
  };
}

function registrationAuthority(kind: LegalEntityKind, divisionCode: string): string {
  const area = authorityArea(divisionCode);
  const provincial = divisionOf(divisionCode)!.level === 'province';
  switch (kind) {
    case 'GOVERNMENT_AGENCY':
    case 'PUBLIC_INSTITUTION': return `${area}机构编制委员会办公室`;
    case 'SOCIAL_ORGANISATION': return `${area}${provincial ? '民政厅' : '民政局'}`;
    default: return `${area}市场监督管理局`;
  }
}

function growingDate(rng: Random, earliest: string): string {
  const from = yearOf(earliest);
  const year = from + min(2025 - from, floor(sqrt(rng.next()) * (2026 - from)));
  return rng.dateBetween(year === from ? earliest : `${year}-01-01`, `${year}-12-31`);
}

function entityStatus(rng: Random, kind: LegalEntityKind, established: string): LegalEntityStatus {
  const age = REFERENCE_YEAR - yearOf(established);
  const u = rng.next();
  switch (kind) {
    case 'GOVERNMENT_AGENCY': return u < 0.01 ? 'DEREGISTERED' : 'ACTIVE';
    case 'PUBLIC_INSTITUTION': return u < 0.02 ? 'DEREGISTERED' : 'ACTIVE';
    case 'SOCIAL_ORGANISATION': return u < 0.05 ? 'DEREGISTERED' : u < 0.07 ? 'REVOKED' : 'ACTIVE';
    default: {
      // Older businesses are more likely to have closed.
      const deregistered = 0.03 + 0.25 * (age / 46);
      return u < deregistered ? 'DEREGISTERED' : u < deregistered + 0.04 ? 'REVOKED' : 'ACTIVE';
    }
  }
}

function shuffle<T>(rng: Random, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

function base31(n: number, width: number): string {
  const charset = '0123456789ABCDEFGHJKLMNPQRTUWXY';
  let out = '';
  for (let i = 0; i < width; i++, n = floor(n / 31)) out = charset[n % 31] + out;
  return out;
}

/** 1 -> 一, 10 -> 十, 12 -> 十二, 20 -> 二十, 105 -> 一百零五. */
function chineseNumeral(n: number): string {
  const digits = '零一二三四五六七八九';
  const units = ['', '十', '百', '千'];
  if (n < 1 || n > 9999 || !Number.isInteger(n)) throw new RangeError(`cannot write ${n} in Chinese numerals here`);
  const parts = String(n).split('').map(Number);
  let out = '';
  let pendingZero = false;
  parts.forEach((d, i) => {
    const unit = units[parts.length - 1 - i];
    if (d === 0) {
      pendingZero = out !== '';
      return;
    }
    if (pendingZero) out += '零';
    pendingZero = false;
    out += (d === 1 && unit === '十' && out === '' ? '' : digits[d]) + unit;
  });
  return out;
}
