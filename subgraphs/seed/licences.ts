// Licences of persons (identity, driving, marriage, practising) and of entities (business, food, construction), holders found by index.

import { divisionPrefix } from '../../lib/identifiers';
import {
  REFERENCE_DATE, Stream, addYears, ageOn, assertIndex, chunked, later, pad,
} from './common';
import { type EntityPlan, type LegalEntitySynthesizer, entitySynthesizer } from './legal-entities';
import { type PersonCore, type PersonSynthesizer, personSynthesizer } from './persons';
import { authorityArea, policeBureau } from './places';
import { Random, mixSeed, weightedTable } from './random';
import type { DatasetSize, HolderKind, LicenceRecord, LicenceStatus, LicenceType } from './records';
import { SEEDED_COUNTY_CODES } from './seeded-divisions';
import { assertSize } from './sizes';

export function* generateLicences(seed: number, size: DatasetSize, chunkSize = 5000): Generator<LicenceRecord[]> {
  assertSize(size);
  const licences = new LicenceSynthesizer(seed, size);
  yield* chunked(size.licences, chunkSize, (n) => licences.at(n));
}

export function licenceAt(seed: number, size: DatasetSize, n: number): LicenceRecord {
  assertIndex(n, size.licences);
  return new LicenceSynthesizer(seed, size).at(n);
}

const LICENCE_PREFIX: Readonly<Record<LicenceType, string>> = {
  RESIDENT_ID_CARD: 'SFZ', DRIVING_LICENCE: 'JSZ', MARRIAGE_CERTIFICATE: 'JHZ', PRACTISING_CERTIFICATE: 'ZYZ',
  BUSINESS_LICENCE: 'YYZZ', FOOD_BUSINESS_PERMIT: 'SPJY', CONSTRUCTION_PERMIT: 'SGXK',
};
const PERSON_LICENCE_TYPES = weightedTable<LicenceType>([
  ['RESIDENT_ID_CARD', 45], ['DRIVING_LICENCE', 30], ['MARRIAGE_CERTIFICATE', 15], ['PRACTISING_CERTIFICATE', 10],
]);
const ENTITY_LICENCE_TYPES = weightedTable<LicenceType>([
  ['BUSINESS_LICENCE', 60], ['FOOD_BUSINESS_PERMIT', 25], ['CONSTRUCTION_PERMIT', 15],
]);
const DRIVING_TERMS = weightedTable<number | null>([[6, 50], [10, 35], [null, 15]]);
// Licence numbers are unique by construction: they end in this bijection of the licence's index.
const SERIAL_SPACE = 10_000_000;
const SERIAL_MULTIPLIER = 1_234_567; // coprime to 10^7

interface LicenceTerms {
  type: LicenceType;
  issuingAuthority: string;
  divisionCode: string;
  issuedOn: string;
  validUntil: string | null;
  revoked: boolean; // revoked for a reason other than dates: holder gone, licence withdrawn
}

class LicenceSynthesizer {
  private readonly persons: PersonSynthesizer;
  private readonly entities: LegalEntitySynthesizer;
  private readonly serialOffset: number;

  constructor(readonly seed: number, private readonly size: DatasetSize) {
    this.persons = personSynthesizer(seed);
    this.entities = entitySynthesizer(seed, size.persons);
    this.serialOffset = mixSeed(seed, Stream.licenceSerial) % SERIAL_SPACE;
  }

  at(n: number): LicenceRecord {
    const rng = new Random(mixSeed(this.seed, Stream.licence, n));
    const { persons, legalEntities } = this.size;
    if (persons <= 0) throw new RangeError('licences need persons or legal entities to hold them');
    // About 60% are held by persons; an entity draw that finds no entity able to hold a licence falls back.
    const entityHeld = legalEntities > 0 && rng.chance(0.4) ? this.entityLicence(rng) : null;
    const { holderKind, holderId, terms } = entityHeld ?? this.personLicence(rng);

    const status: LicenceStatus = terms.revoked
      ? 'REVOKED'
      : terms.validUntil !== null && terms.validUntil < REFERENCE_DATE ? 'EXPIRED' : 'VALID';
    const serial = (n * SERIAL_MULTIPLIER + this.serialOffset) % SERIAL_SPACE;
    return {
      number: `${LICENCE_PREFIX[terms.type]}-${terms.divisionCode}-${terms.issuedOn.slice(0, 4)}-${pad(serial, 7)}`,
      type: terms.type,
      holderKind,
      holderId,
      issuingAuthority: terms.issuingAuthority,
      issuedOn: terms.issuedOn,
      validUntil: terms.validUntil,
      status,
      divisionCode: terms.divisionCode,
    };
  }

  private personLicence(rng: Random): { holderKind: HolderKind; holderId: string; terms: LicenceTerms } {
    let type = rng.weighted(PERSON_LICENCE_TYPES);
    let holder: PersonCore | undefined;
    let earliest = '';
    for (let attempt = 0; attempt < 30 && !holder; attempt++) {
      const candidate = this.persons.core(rng.int(0, this.size.persons - 1));
      earliest = earliestPersonIssue(type, candidate);
      if (earliest <= REFERENCE_DATE) holder = candidate;
      else if (attempt === 29) {
        // Nobody old enough was found (tiny datasets): anyone can hold an identity card.
        holder = candidate;
        type = 'RESIDENT_ID_CARD';
        earliest = earliestPersonIssue(type, candidate);
      }
    }
    const person = holder!;
    const county = person.household.county;
    const issuedOn = rng.dateBetween(earliest, REFERENCE_DATE);
    const holderGone = person.status !== 'ALIVE'; // cancelled with the household registration
    const terms = ((): LicenceTerms => {
      switch (type) {
        case 'RESIDENT_ID_CARD':
          return {
            type, issuingAuthority: policeBureau(county), divisionCode: county.code, issuedOn,
            validUntil: identityCardExpiry(person.birthDate, issuedOn), revoked: holderGone || rng.chance(0.01),
          };
        case 'DRIVING_LICENCE': {
          // First licences run 6 years, renewals 10 years, then long-term.
          const term = rng.weighted(DRIVING_TERMS);
          return {
            type, issuingAuthority: `${county.prefecture.name}公安局交通警察支队车辆管理所`,
            divisionCode: county.prefecture.code, issuedOn,
            validUntil: term === null ? null : addYears(issuedOn, term), revoked: holderGone || rng.chance(0.02),
          };
        }
        case 'MARRIAGE_CERTIFICATE':
          return {
            type, issuingAuthority: `${authorityArea(county.code)}民政局`, divisionCode: county.code, issuedOn,
            validUntil: null, revoked: holderGone || rng.chance(0.08), // divorce
          };
        default:
          // Physicians register with the prefecture's health commission (no expiry); licensed pharmacists
          // with the provincial drug administration for 5 years.
          return rng.chance(0.55)
            ? {
              type, issuingAuthority: `${county.prefecture.name}卫生健康委员会`, divisionCode: county.prefecture.code,
              issuedOn, validUntil: null, revoked: holderGone || rng.chance(0.01),
            }
            : {
              type, issuingAuthority: `${county.province.name}药品监督管理局`, divisionCode: county.province.code,
              issuedOn, validUntil: addYears(issuedOn, 5), revoked: holderGone || rng.chance(0.01),
            };
      }
    })();
    return { holderKind: 'PERSON', holderId: person.idNumber, terms };
  }

  /** Null when no entity able to hold the drawn type turns up (tiny datasets); a person licence is issued instead. */
  private entityLicence(rng: Random): { holderKind: HolderKind; holderId: string; terms: LicenceTerms } | null {
    const type = rng.weighted(ENTITY_LICENCE_TYPES);
    for (let attempt = 0; attempt < 80; attempt++) {
      const plan = this.entities.plan(rng.int(0, this.size.legalEntities - 1));
      if (canHold(plan, type)) return { holderKind: 'LEGAL_ENTITY', holderId: plan.creditCode, terms: entityTerms(rng, type, plan) };
    }
    return null;
  }
}

/** Business licences for market entities, food permits for food sellers, construction permits for builders. */
function canHold(plan: EntityPlan, type: LicenceType): boolean {
  switch (type) {
    case 'BUSINESS_LICENCE': return plan.kind === 'ENTERPRISE' || plan.kind === 'INDIVIDUAL_BUSINESS' || plan.kind === 'FARMER_COOPERATIVE';
    case 'FOOD_BUSINESS_PERMIT': return plan.line.sellsFood;
    default: return plan.line.builds;
  }
}

function entityTerms(rng: Random, type: LicenceType, plan: EntityPlan): LicenceTerms {
  const closed = plan.status !== 'ACTIVE'; // licences of deregistered or revoked entities are cancelled
  switch (type) {
    case 'BUSINESS_LICENCE': {
      // Issued at establishment or re-issued after a change of registration; most have no fixed term.
      const issuedOn = rng.chance(0.6) ? plan.establishedDate : rng.dateBetween(plan.establishedDate, REFERENCE_DATE);
      const termEnd = addYears(plan.establishedDate, rng.pick([10, 20, 30]));
      return {
        type, issuingAuthority: plan.registrationAuthority, divisionCode: plan.divisionCode, issuedOn,
        validUntil: rng.chance(0.8) || termEnd <= issuedOn ? null : termEnd, revoked: closed,
      };
    }
    case 'FOOD_BUSINESS_PERMIT': {
      // Food business permits replaced the old catering and circulation permits on 2015-10-01.
      const issuedOn = rng.dateBetween(later(plan.establishedDate, '2015-10-01'), REFERENCE_DATE);
      return {
        type, issuingAuthority: `${authorityArea(plan.divisionCode)}市场监督管理局`, divisionCode: plan.divisionCode,
        issuedOn, validUntil: addYears(issuedOn, 5), revoked: closed || rng.chance(0.02),
      };
    }
    default: {
      // The permit is issued where the project is built, a county within the holder's area.
      const prefix = divisionPrefix(plan.divisionCode);
      const county = rng.pick(SEEDED_COUNTY_CODES.filter((c) => c.startsWith(prefix)));
      const issuedOn = rng.dateBetween(later(plan.establishedDate, '1999-10-15'), REFERENCE_DATE);
      return {
        type, issuingAuthority: `${authorityArea(county)}住房和城乡建设局`, divisionCode: county, issuedOn,
        validUntil: addYears(issuedOn, rng.int(2, 4)), revoked: closed || rng.chance(0.01),
      };
    }
  }
}

/** Earliest date the person could have been issued this licence (may lie after REFERENCE_DATE). */
function earliestPersonIssue(type: LicenceType, person: PersonCore): string {
  switch (type) {
    case 'RESIDENT_ID_CARD': return later(person.birthDate, '2004-01-01'); // second-generation cards
    case 'DRIVING_LICENCE': return later(addYears(person.birthDate, 18), '1990-01-01');
    case 'MARRIAGE_CERTIFICATE': return later(addYears(person.birthDate, person.gender === 'MALE' ? 22 : 20), '1980-01-01');
    default: return later(addYears(person.birthDate, 24), '1999-05-01'); // 执业医师法 took effect 1999-05-01
  }
}

/** Identity cards run 5 years under 16, 10 years to 25, 20 years to 45, and are long-term from 46. */
function identityCardExpiry(birthDate: string, issuedOn: string): string | null {
  const age = ageOn(birthDate, issuedOn);
  if (age >= 46) return null;
  return addYears(issuedOn, age < 16 ? 5 : age <= 25 ? 10 : 20);
}
