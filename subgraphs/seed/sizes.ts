// Dataset parameters shared by every domain: default seed and size, scaling, entity and licence maxima, and the check of a size.

import { assertCount } from './common';
import { MAX_PERSONS } from './persons';
import type { DatasetSize } from './records';

// Module-local aliases: inside vm contexts (jest runs tests in one) every global lookup such as `Math` goes
// through an interceptor, which makes the per-record hot paths an order of magnitude slower.
const { round } = Math;

export const DEFAULT_SEED = 20261125;
export const DEFAULT_SIZE: DatasetSize = Object.freeze({ persons: 20000, legalEntities: 5000, licences: 40000 });

/** Legacy organisation codes have 8 digits: 10^8 bodies. */
export const MAX_LEGAL_ENTITIES = 100_000_000;
/** Licence numbers end in a 7-digit serial. */
export const MAX_LICENCES = 10_000_000;

/** Scale 1 is DEFAULT_SIZE; sizes grow linearly (scale 50 = 1M persons). */
export function sizeForScale(scale: number): DatasetSize {
  if (!(scale > 0) || !Number.isFinite(scale)) throw new RangeError(`scale must be a positive number, got ${scale}`);
  return {
    persons: round(DEFAULT_SIZE.persons * scale),
    legalEntities: round(DEFAULT_SIZE.legalEntities * scale),
    licences: round(DEFAULT_SIZE.licences * scale),
  };
}

export function assertSize(size: DatasetSize): void {
  assertCount('persons', size.persons, MAX_PERSONS);
  assertCount('legalEntities', size.legalEntities, MAX_LEGAL_ENTITIES);
  assertCount('licences', size.licences, MAX_LICENCES);
}
