// Shared by every domain: the world's reference date, the PRNG stream tags (listed together so none collide), date and chunking helpers.

// Module-local aliases: inside vm contexts (jest runs tests in one) every global lookup such as `Math` goes
// through an interceptor, which makes the per-record hot paths an order of magnitude slower.
const { min } = Math;

/** The synthetic world's "today": nobody is born and nothing is issued after it; licence status is judged on it. */
export const REFERENCE_DATE = '2026-11-25';
export const REFERENCE_YEAR = 2026;

// Independent PRNG streams: each record draws from mixSeed(seed, stream, index), so adding a draw to one
// concern never shifts the values of another.
export const Stream = {
  personKey: 1, personSequence: 2, householdNumber: 3, householdBlock: 4, household: 5, birthYear: 6,
  personStatus: 7, personDetail: 8, householdAddress: 9, entitySetup: 10, entityPlan: 11, entityDetail: 12,
  entityRepresentative: 13, licence: 14, licenceSerial: 15,
} as const;

export function* chunked<T>(count: number, chunkSize: number, make: (index: number) => T): Generator<T[]> {
  if (!Number.isInteger(chunkSize) || chunkSize < 1) throw new RangeError(`chunkSize must be a positive integer, got ${chunkSize}`);
  for (let start = 0; start < count; start += chunkSize) {
    const end = min(count, start + chunkSize);
    const chunk = new Array<T>(end - start);
    for (let i = start; i < end; i++) chunk[i - start] = make(i);
    yield chunk;
  }
}

export function assertCount(what: string, count: number, max: number): void {
  if (!Number.isInteger(count) || count < 0 || count > max) {
    throw new RangeError(`${what} must be an integer between 0 and ${max}, got ${count}`);
  }
}

export function assertIndex(index: number, count: number): void {
  if (!Number.isInteger(index) || index < 0 || index >= count) {
    throw new RangeError(`index must be an integer in [0, ${count}), got ${index}`);
  }
}

export function pad(n: number, width: number): string {
  return `${n}`.padStart(width, '0');
}

export function yearOf(iso: string): number {
  return +iso.slice(0, 4);
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Same month and day `years` later (or earlier); 02-29 becomes 02-28 in common years. */
export function addYears(iso: string, years: number): string {
  const year = yearOf(iso) + years;
  const monthDay = iso.slice(5) === '02-29' && !isLeapYear(year) ? '02-28' : iso.slice(5);
  return `${pad(year, 4)}-${monthDay}`;
}

export function ageOn(birthDate: string, date: string): number {
  const years = yearOf(date) - yearOf(birthDate);
  return date.slice(5) < birthDate.slice(5) ? years - 1 : years;
}

export function later(a: string, b: string): string {
  return a > b ? a : b;
}
