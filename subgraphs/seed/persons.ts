// Persons: households found from the index alone, GB 11643 citizen ids unique by construction, names, phones, household addresses.

import { citizenIdCheckDigit } from '../../lib/identifiers';
import {
  REFERENCE_YEAR, Stream, assertCount, assertIndex, chunked, isLeapYear, pad, yearOf,
} from './common';
import { MOBILE_PREFIXES, drawName, drawSurname, surnameOfName, usesSurname } from './names';
import { COUNTIES_BY_POPULATION, type County } from './places';
import { Random, mixSeed, weightedTable } from './random';
import type { Gender, PersonRecord, PersonStatus } from './records';

// Module-local aliases: inside vm contexts (jest runs tests in one) every global lookup such as `Math` goes
// through an interceptor, which makes the per-record hot paths an order of magnitude slower.
const { floor, min, max } = Math;

export function* generatePersons(seed: number, count: number, chunkSize = 5000): Generator<PersonRecord[]> {
  assertCount('persons', count, MAX_PERSONS);
  const persons = personSynthesizer(seed);
  yield* chunked(count, chunkSize, (i) => persons.at(i));
}

/** The i-th person; the same whatever the dataset size. */
export function personAt(seed: number, i: number): PersonRecord {
  assertIndex(i, MAX_PERSONS);
  return personSynthesizer(seed).at(i);
}

/** The i-th person's citizen id, cheaper than personAt. */
export function personIdAt(seed: number, i: number): string {
  assertIndex(i, MAX_PERSONS);
  return personSynthesizer(seed).core(i).idNumber;
}

// Citizen ids are unique by construction, not by checking. Index i is split into a key r = i mod 366000 and a
// lap = floor(i / 366000). A bijection maps r to (month-day, 3-digit sequence), so persons with different keys
// differ there. Persons sharing a key are in different laps, and the birth year of lap j is chosen to avoid the
// years already taken by laps 0..j-1 of the same key (settleBirthYear). So no two indices share (birth date,
// sequence), whatever their division. The household structure only proposes a year; lap j moves it by at most
// about j years (1M persons: j <= 2). Household numbers end in an index bijection.

const KEY_SPACE = 366 * 1000; // (month-day incl. 02-29) × 3-digit sequence
const LEAP_YEARS_IN_RANGE = 24; // 1932 … 2024: a 02-29 key can be reused at most this many times
/** Persons per dataset: beyond this some 02-29 key would need a 25th leap year between 1930 and 2025. */
export const MAX_PERSONS = KEY_SPACE * LEAP_YEARS_IN_RANGE;

type Role = 'HEAD' | 'SPOUSE' | 'CHILD' | 'PARENT';

interface Household {
  start: number;            // index of its first member; households are runs of consecutive indices
  size: number;
  roles: readonly Role[];
  headYear: number;
  county: County;
  headEthnicity: string;
  surname: string;          // passed to the head and children that use surnames
  householdNumber: string;
}

/** What legal entities and licences need of a person: the id, what it encodes, status and household. */
export interface PersonCore {
  index: number;
  idNumber: string;
  birthDate: string;
  gender: Gender;
  status: PersonStatus;
  household: Household;
  position: number;
}

// Persons are grouped in blocks of 16 indices split into households of 1-5, so a person's household is
// found from its index alone. China's average household size is about 2.6.
const HOUSEHOLD_BLOCK = 16;
const HOUSEHOLD_SIZES = weightedTable<number>([[1, 18], [2, 27], [3, 27], [4, 17], [5, 11]]);
const EARLIEST_BIRTH_YEAR = 1930;
const LATEST_BIRTH_YEAR = 2025;
const KEY_MULTIPLIER = 104_729; // coprime to KEY_SPACE = 2^4·3·5^3·61, so r -> r·m + c mod KEY_SPACE is a bijection
const HOUSEHOLD_NUMBER_SPACE = 1_000_000_000;
const HOUSEHOLD_NUMBER_MULTIPLIER = 7_654_321; // coprime to 10^9

// Index 0..365 -> "MMDD" over a leap year, so 02-29 exists.
const MONTH_DAYS: readonly string[] = (() => {
  const lengths = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  const days: string[] = [];
  lengths.forEach((length, m) => {
    for (let d = 1; d <= length; d++) days.push(pad(m + 1, 2) + pad(d, 2));
  });
  return days;
})();
const LEAP_DAY_INDEX = MONTH_DAYS.indexOf('0229');

const personSynthesizers = new Map<number, PersonSynthesizer>();
export function personSynthesizer(seed: number): PersonSynthesizer {
  let synthesizer = personSynthesizers.get(seed);
  if (!synthesizer) {
    if (personSynthesizers.size > 8) personSynthesizers.clear();
    synthesizer = new PersonSynthesizer(seed);
    personSynthesizers.set(seed, synthesizer);
  }
  return synthesizer;
}

export class PersonSynthesizer {
  private readonly keyOffset: number;
  private readonly sequenceOffsets: Uint16Array;
  private readonly householdNumberOffset: number;
  // One cached block and household per lap: settling a birth year looks at the same key in earlier laps,
  // which lie in other blocks, and per-lap caches keep those lookups from evicting each other.
  private readonly blockCache = new Map<number, { block: number; starts: number[] }>();
  private readonly householdCache = new Map<number, Household>();

  constructor(readonly seed: number) {
    this.keyOffset = mixSeed(seed, Stream.personKey) % KEY_SPACE;
    this.sequenceOffsets = Uint16Array.from(MONTH_DAYS, (_, md) => mixSeed(seed, Stream.personSequence, md) % 1000);
    this.householdNumberOffset = mixSeed(seed, Stream.householdNumber) % HOUSEHOLD_NUMBER_SPACE;
  }

  /** The cheap part of a person; the full record adds names, phone and address. */
  core(i: number): PersonCore {
    const lap = floor(i / KEY_SPACE);
    const key = i - lap * KEY_SPACE;
    const scrambled = (key * KEY_MULTIPLIER + this.keyOffset) % KEY_SPACE;
    const monthDay = scrambled % 366;
    const sequence = ((scrambled - monthDay) / 366 + this.sequenceOffsets[monthDay]) % 1000;

    const year = this.birthYear(key, lap, monthDay === LEAP_DAY_INDEX);
    const { household, position } = this.householdOf(i);
    const mmdd = MONTH_DAYS[monthDay];
    const birthDate = `${year}-${mmdd.slice(0, 2)}-${mmdd.slice(2)}`;
    const first17 = household.county.code + year + mmdd + pad(sequence, 3);
    return {
      index: i,
      idNumber: first17 + citizenIdCheckDigit(first17),
      birthDate,
      gender: sequence % 2 === 1 ? 'MALE' : 'FEMALE',
      status: this.status(i, year),
      household,
      position,
    };
  }

  /**
   * Birth year of the person with this key in this lap: each lap settles its proposal against the years the
   * earlier laps of the same key took, so persons sharing a key never share a birth date.
   */
  private birthYear(key: number, lap: number, leapDay: boolean): number {
    if (lap === 0) return settleBirthYear(this.proposedBirthYear(key), [], leapDay);
    const taken: number[] = [];
    for (let j = 0; j <= lap; j++) taken.push(settleBirthYear(this.proposedBirthYear(key + j * KEY_SPACE), taken, leapDay));
    return taken[lap];
  }

  at(i: number): PersonRecord {
    const core = this.core(i);
    const { household, position } = core;
    const role = household.roles[position];
    const rng = new Random(mixSeed(this.seed, Stream.personDetail, i));

    const ethnicity = role === 'HEAD' || rng.chance(role === 'SPOUSE' ? 0.8 : 0.92)
      ? household.headEthnicity
      : rng.weighted(household.county.ethnicities);
    // Children (and some of the head's parents) carry the household's surname; spouses keep their own.
    const inheritsSurname = role === 'HEAD' || role === 'CHILD' || (role === 'PARENT' && rng.chance(0.5));
    const name = drawName(rng, ethnicity, core.gender, inheritsSurname ? household.surname : null);

    const age = REFERENCE_YEAR - yearOf(core.birthDate);
    const noPhone = core.status !== 'ALIVE' ? 0.5 : age < 14 ? 0.95 : age >= 75 ? 0.4 : 0.06;
    const phone = rng.chance(noPhone) ? null : rng.pick(MOBILE_PREFIXES) + pad(rng.int(0, 99_999_999), 8);

    return {
      idNumber: core.idNumber,
      name,
      gender: core.gender,
      birthDate: core.birthDate,
      ethnicity,
      householdAddress: this.address(household),
      divisionCode: household.county.code,
      phone,
      status: core.status,
      householdNumber: household.householdNumber,
    };
  }

  /** The surname used in the i-th person's name, or null (Tibetan and Dai names). */
  surnameAt(i: number): string | null {
    const person = this.at(i);
    return surnameOfName(person.name, person.ethnicity);
  }

  private status(i: number, birthYear: number): PersonStatus {
    const rng = new Random(mixSeed(this.seed, Stream.personStatus, i));
    const age = REFERENCE_YEAR - birthYear;
    const deceased = age >= 85 ? 0.3 : age >= 75 ? 0.12 : age >= 60 ? 0.04 : 0.003;
    const u = rng.next();
    if (u < deceased) return 'DECEASED';
    if (age >= 20 && age < 60 && u < deceased + 0.005) return 'EMIGRATED';
    return 'ALIVE';
  }

  /** The birth year the household structure suggests; settleBirthYear may shift it to keep ids unique. */
  private proposedBirthYear(i: number): number {
    const { household, position } = this.householdOf(i);
    const rng = new Random(mixSeed(this.seed, Stream.birthYear, i));
    const head = household.headYear;
    switch (household.roles[position]) {
      case 'HEAD': return head;
      case 'SPOUSE': return clampYear(head + rng.int(-4, 4));
      case 'CHILD': return clampYear(head + rng.int(22, 38));
      case 'PARENT': return clampYear(head - rng.int(22, 34));
    }
  }

  private householdOf(i: number): { household: Household; position: number } {
    const lap = floor(i / KEY_SPACE);
    const block = floor(i / HOUSEHOLD_BLOCK);
    let cachedBlock = this.blockCache.get(lap);
    if (!cachedBlock || cachedBlock.block !== block) {
      cachedBlock = { block, starts: this.householdStarts(block) };
      this.blockCache.set(lap, cachedBlock);
    }
    const starts = cachedBlock.starts;
    let h = 0;
    while (h + 1 < starts.length && starts[h + 1] <= i) h++;
    const start = starts[h];
    const size = (h + 1 < starts.length ? starts[h + 1] : (block + 1) * HOUSEHOLD_BLOCK) - start;

    let household = this.householdCache.get(lap);
    if (!household || household.start !== start) {
      household = this.household(start, size);
      this.householdCache.set(lap, household);
    }
    return { household, position: i - start };
  }

  /** First indices of the households in a block. */
  private householdStarts(block: number): number[] {
    const rng = new Random(mixSeed(this.seed, Stream.householdBlock, block));
    const starts: number[] = [];
    for (let offset = 0; offset < HOUSEHOLD_BLOCK; offset += rng.weighted(HOUSEHOLD_SIZES)) {
      starts.push(block * HOUSEHOLD_BLOCK + offset);
    }
    return starts;
  }

  private household(start: number, size: number): Household {
    const rng = new Random(mixSeed(this.seed, Stream.household, start));
    const county = rng.weighted(COUNTIES_BY_POPULATION);
    const { roles, headYears } = householdPattern(size, rng);
    const headYear = headYears[0] + floor(((rng.next() + rng.next()) / 2) * (headYears[1] - headYears[0] + 1));
    const headEthnicity = rng.weighted(county.ethnicities);
    const surname = drawSurname(rng, usesSurname(headEthnicity) ? headEthnicity : '汉族');
    const serial = (start * HOUSEHOLD_NUMBER_MULTIPLIER + this.householdNumberOffset) % HOUSEHOLD_NUMBER_SPACE;
    return {
      start, size, roles, headYear, county, headEthnicity, surname,
      householdNumber: county.code + pad(serial, 9),
    };
  }

  /** Drawn per household, and only when a full record is built. */
  private address(household: Household): string {
    const rng = new Random(mixSeed(this.seed, Stream.householdAddress, household.start));
    return `${household.county.fullName}${rng.pick(household.county.roads)}路${rng.int(1, 999)}号`
      + `${rng.int(1, 30)}栋${rng.int(1, 6)}单元${rng.int(1, 25)}${pad(rng.int(1, 4), 2)}室`;
  }
}

function householdPattern(size: number, rng: Random): { roles: Role[]; headYears: [number, number] } {
  switch (size) {
    case 1: return { roles: ['HEAD'], headYears: [1935, 2007] };
    case 2: return rng.chance(0.75)
      ? { roles: ['HEAD', 'SPOUSE'], headYears: [1935, 2003] }
      : { roles: ['HEAD', 'CHILD'], headYears: [1950, 2000] };
    case 3: return { roles: ['HEAD', 'SPOUSE', 'CHILD'], headYears: [1950, 2001] };
    case 4: return { roles: ['HEAD', 'SPOUSE', 'CHILD', 'CHILD'], headYears: [1955, 2000] };
    default: return { roles: ['HEAD', 'SPOUSE', 'CHILD', 'CHILD', 'PARENT'], headYears: [1962, 1998] };
  }
}

/** The year nearest to `proposed` that is in range, not yet taken for this key, and a leap year for 02-29. */
function settleBirthYear(proposed: number, taken: readonly number[], leapDay: boolean): number {
  for (let distance = 0; distance <= LATEST_BIRTH_YEAR - EARLIEST_BIRTH_YEAR; distance++) {
    // Try proposed + distance, then proposed - distance.
    for (let sign = 1; sign >= (distance === 0 ? 1 : -1); sign -= 2) {
      const year = proposed + sign * distance;
      if (year < EARLIEST_BIRTH_YEAR || year > LATEST_BIRTH_YEAR) continue;
      if (leapDay && !isLeapYear(year)) continue;
      if (!taken.includes(year)) return year;
    }
  }
  throw new RangeError('no birth year left for this key; the person index exceeds MAX_PERSONS');
}

function clampYear(year: number): number {
  return min(LATEST_BIRTH_YEAR, max(EARLIEST_BIRTH_YEAR, year));
}
