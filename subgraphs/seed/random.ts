// Seeded pseudo-random numbers for the synthetic data generator.
// mulberry32: one 32-bit word of state, fast and statistically good enough for test data. Records are
// generated from their own small streams (see mixSeed), so creating a Random is cheap by design.

// Module-local aliases: inside vm contexts (jest runs tests in one) every global lookup such as `Math` goes
// through an interceptor, which makes this hot code an order of magnitude slower.
const { imul, floor } = Math;

export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) | 0);
    t = imul(t ^ (t >>> 15), t | 1);
    t ^= t + imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('cannot pick from an empty list');
    return items[floor(this.next() * items.length)];
  }

  weighted<T>(table: WeightedTable<T>): T {
    return table.pick(this.next());
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  /** Uniform date in [from, to], both YYYY-MM-DD and inclusive. */
  dateBetween(from: string, to: string): string {
    const start = toDayNumber(from);
    const end = toDayNumber(to);
    if (end < start) throw new RangeError(`empty date range ${from}..${to}`);
    return fromDayNumber(this.int(start, end));
  }
}

/** Choices with relative weights, prepared once so that a pick is a binary search. */
export class WeightedTable<T> {
  private readonly items: T[];
  private readonly cumulative: number[];

  constructor(entries: ReadonlyArray<readonly [T, number]>) {
    let total = 0;
    this.items = [];
    this.cumulative = [];
    for (const [item, weight] of entries) {
      if (!(weight >= 0)) throw new RangeError(`weight must be non-negative, got ${weight}`);
      if (weight === 0) continue;
      total += weight;
      this.items.push(item);
      this.cumulative.push(total);
    }
    if (total === 0) throw new RangeError('a weighted table needs a positive total weight');
    for (let i = 0; i < this.cumulative.length; i++) this.cumulative[i] /= total;
  }

  /** The item whose cumulative share covers `unit` in [0, 1). */
  pick(unit: number): T {
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (unit < this.cumulative[mid]) hi = mid;
      else lo = mid + 1;
    }
    return this.items[lo];
  }
}

export function weightedTable<T>(entries: ReadonlyArray<readonly [T, number]>): WeightedTable<T> {
  return new WeightedTable(entries);
}

/**
 * A 32-bit seed derived from several integers (a base seed, a stream tag, a record index…), so that every
 * record gets an independent stream and can be regenerated on its own from its index.
 */
export function mixSeed(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const part of parts) {
    // Split into two 32-bit halves so indices above 2^32 still mix in fully.
    h = fmix32(h ^ imul((part >>> 0) ^ floor(part / 4294967296), 0xcc9e2d51));
    h = (imul(h, 5) + 0xe6546b64) | 0;
  }
  return fmix32(h);
}

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

// Days since 1970-01-01 in the proleptic Gregorian calendar (Howard Hinnant's civil date algorithms);
// plain arithmetic is faster than Date and has no time-zone traps.
function toDayNumber(iso: string): number {
  let y = +iso.slice(0, 4);
  const m = +iso.slice(5, 7);
  const d = +iso.slice(8, 10);
  y -= m <= 2 ? 1 : 0;
  const era = floor(y / 400);
  const yoe = y - era * 400;
  const doy = floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + floor(yoe / 4) - floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function fromDayNumber(days: number): string {
  const z = days + 719468;
  const era = floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = floor((doe - floor(doe / 1460) + floor(doe / 36524) - floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + floor(yoe / 4) - floor(yoe / 100));
  const mp = floor((5 * doy + 2) / 153);
  const d = doy - floor((153 * mp + 2) / 5) + 1;
  const m = mp + (mp < 10 ? 3 : -9);
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return `${`${y}`.padStart(4, '0')}-${m < 10 ? '0' : ''}${m}-${d < 10 ? '0' : ''}${d}`;
}
