// Inference control (hole 1 of issue 11), as pure functions: the candidate counts against brute-force
// enumeration, and the narrowing each kind of exposure gets.
import fc from 'fast-check';
import { citizenIdCandidates, checkMaskSettings, creditCodeCandidates, effectiveMasks, exposuresOf, MIN_CANDIDATES, phoneCandidates, type CitizenIdKnowledge } from '../../directives/inference';
import { DEFAULT_MASK_SETTINGS, keepEnds } from '../../directives/mask';
import { citizenIdCheckDigit, makeCitizenId } from '../../lib/identifiers/citizen-id';
import { realSchema } from './fixtures';

const TODAY = '2026-11-28';

/** Brute force for one real number: every number a caller seeing `knowledge` of it cannot rule out. */
function bruteForce(id: string, knowledge: CitizenIdKnowledge): { numbers: number; dates: number } {
  const masked = knowledge.idNumber === 'hidden' ? '*'.repeat(18) : knowledge.idNumber === 'plain' ? id : keepEnds(id, knowledge.idNumber);
  const year = Number(id.slice(6, 10));
  const fits = (value: string, offset: number) => [...value].every((ch, i) => masked[offset + i] === '*' || masked[offset + i] === ch);
  let numbers = 0;
  const dates = new Set<string>();
  for (let t = Date.UTC(year, 0, 1); new Date(t).getUTCFullYear() === year; t += 86_400_000) {
    const date = new Date(t).toISOString().slice(0, 10).replace(/-/g, '');
    if (knowledge.birthDate === 'plain' && date !== id.slice(6, 14)) continue;
    if (!fits(date, 6)) continue;
    for (let s = 0; s < 1000; s++) {
      if (knowledge.gender && s % 2 !== Number(id[16]) % 2) continue;
      const first17 = id.slice(0, 6) + date + String(s).padStart(3, '0');
      if (!fits(first17.slice(14), 14) || !fits(citizenIdCheckDigit(first17), 17)) continue;
      numbers++;
      dates.add(date);
    }
  }
  return { numbers, dates: dates.size };
}

describe('citizenIdCandidates', () => {
  it('is never more than what brute force finds for a real person (the least favourable person is counted)', () => {
    // Birth date known to the year at least, so brute force stays small.
    const knowledge = fc.record({
      idNumber: fc.constantFrom({ start: 6, end: 4 }, { start: 6, end: 3 }, { start: 6, end: 2 }, { start: 6, end: 1 }, { start: 6, end: 0 }),
      birthDate: fc.constantFrom('plain' as const, 'masked' as const),
      gender: fc.boolean(),
    });
    const person = fc.record({ day: fc.integer({ min: 0, max: 40_000 }), sequence: fc.integer({ min: 0, max: 999 }) });
    fc.assert(
      fc.property(knowledge, person, (k, p) => {
        const birth = new Date(Date.UTC(1920, 0, 1) + p.day * 86_400_000).toISOString().slice(0, 10);
        const id = makeCitizenId('530102', birth, p.sequence);
        const counted = citizenIdCandidates(k, TODAY);
        const found = bruteForce(id, k);
        expect(counted.idNumber).toBeLessThanOrEqual(found.numbers);
        if (k.birthDate === 'masked') expect(counted.birthDate).toBeLessThanOrEqual(found.dates);
      }),
      { numRuns: 60 },
    );
  });

  it('finds the hole: first 6 + last 4 with a plain birth date leaves one number; with the year only, fewer than 100', () => {
    expect(citizenIdCandidates({ idNumber: { start: 6, end: 4 }, birthDate: 'plain', gender: true }, TODAY).idNumber).toBe(1);
    expect(citizenIdCandidates({ idNumber: { start: 6, end: 4 }, birthDate: 'masked', gender: true }, TODAY).idNumber).toBeLessThan(MIN_CANDIDATES);
    expect(citizenIdCandidates({ idNumber: { start: 6, end: 4 }, birthDate: 'hidden', gender: true }, TODAY).idNumber).toBeGreaterThan(1000);
  });
});

describe('effectiveMasks', () => {
  const { catalog } = realSchema();
  const exposures = (granted: Record<string, boolean>) => exposuresOf(catalog, 'institution', (c) => (c in granted ? { plain: granted[c] } : undefined));

  it('narrows the identity-number mask to hide the sequence when the birth date is plain, and says so in both languages', () => {
    const masks = effectiveMasks(catalog, DEFAULT_MASK_SETTINGS, exposures({ 'Person.idNumber': false, 'Person.birthDate': true }), TODAY);
    expect(masks.settings.idNumber).toEqual({ start: 6, end: 0 });
    expect(masks.adjustments).toEqual([expect.objectContaining({ coordinate: 'Person.idNumber', before: 1, after: 500 })]);
    expect(masks.adjustments[0].zh).toContain('收紧');
  });

  it('narrows to hide the last sequence digit and the check digit when only the year is visible', () => {
    const masks = effectiveMasks(catalog, DEFAULT_MASK_SETTINGS, exposures({ 'Person.idNumber': false, 'Person.birthDate': false }), TODAY);
    expect(masks.settings.idNumber).toEqual({ start: 6, end: 3 });
    expect(masks.adjustments[0].after).toBeGreaterThanOrEqual(MIN_CANDIDATES);
  });

  it('keeps the configured mask when nothing else narrows the number, and for callers who see no number', () => {
    expect(effectiveMasks(catalog, DEFAULT_MASK_SETTINGS, exposures({ 'Person.idNumber': false }), TODAY).adjustments).toEqual([]);
    expect(effectiveMasks(catalog, DEFAULT_MASK_SETTINGS, exposures({ 'Person.birthDate': true }), TODAY).adjustments).toEqual([]);
    expect(effectiveMasks(catalog, DEFAULT_MASK_SETTINGS, exposuresOf(catalog, 'developer', () => ({ plain: true })), TODAY).adjustments).toEqual([]);
  });

  it('reports a conflict no mask can solve: the number plain and the birth date masked', () => {
    const masks = effectiveMasks(catalog, DEFAULT_MASK_SETTINGS, exposures({ 'Person.idNumber': true, 'Person.birthDate': false }), TODAY);
    expect(masks.conflicts).toEqual([expect.objectContaining({ coordinate: 'Person.birthDate', revealedBy: 'Person.idNumber' })]);
  });
});

describe('the other masks', () => {
  it('phone and credit-code masks count the span they hide', () => {
    expect(phoneCandidates({ start: 3, end: 4 })).toBe(10_000);
    expect(phoneCandidates({ start: 5, end: 5 })).toBe(10);
    expect(creditCodeCandidates({ start: 8, end: 2 })).toBeGreaterThan(1e9);
    expect(creditCodeCandidates({ start: 15, end: 2 })).toBeLessThan(MIN_CANDIDATES);
  });
});

describe('checkMaskSettings', () => {
  const { catalog } = realSchema();
  it('accepts the defaults (narrowing only some grant combinations need) and refuses a mask that keeps the birth date', () => {
    const defaults = checkMaskSettings(catalog, DEFAULT_MASK_SETTINGS, TODAY);
    expect(defaults.unsafe).toEqual([]);
    expect(defaults.narrowedForSomeGrants.map((a) => a.coordinate)).toEqual(['Person.idNumber']);
    const unsafe = checkMaskSettings(catalog, { ...DEFAULT_MASK_SETTINGS, idNumber: { start: 14, end: 4 } }, TODAY);
    expect(unsafe.unsafe.map((a) => a.coordinate)).toEqual(['Person.idNumber']);
    // Person.phone is shared with nobody today, but its mask is still checked: attributes can change.
    const phone = checkMaskSettings(catalog, { ...DEFAULT_MASK_SETTINGS, phone: { start: 5, end: 5 } }, TODAY);
    expect(phone.unsafe.map((a) => a.coordinate)).toEqual(['Person.phone']);
  });
});
