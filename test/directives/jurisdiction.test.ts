// Jurisdiction by GB/T 2260 area (issue 14 item 4): each data authority governs its own division and
// everything below it (Yunnan Art.6 (一), Kunming Art.4 (一)); an authority is registered by the level
// above it (Yunnan Art.12 ¶2, Kunming Art.11 ¶2), an institution by the authority of its area (Yunnan Art.12 ¶3).
import { actsOn, areaOf, covers, isProvinceArea, levelOf, mayKeepRegistryEntry } from '../../directives/jurisdiction';

describe('jurisdiction', () => {
  it('reads the level of a division code', () => {
    expect(levelOf('530000')).toBe('province');
    expect(levelOf('530100')).toBe('prefecture');
    expect(levelOf('530102')).toBe('county');
    expect(levelOf('533102')).toBe('county'); // 德宏州瑞丽市
    expect(levelOf('530699')).toBeUndefined(); // well-formed, no such county
    expect(levelOf('5301')).toBeUndefined();
  });

  it('gives the area an authority of a division governs as a prefix', () => {
    expect(areaOf('530000')).toBe('53');
    expect(areaOf('530100')).toBe('5301');
    expect(areaOf('530300')).toBe('5303');
    expect(areaOf('530102')).toBe('530102');
  });

  it('Yunnan Art.6 (一): an authority covers its own division and every division below it, nothing beside it', () => {
    expect(covers('53', '530102')).toBe(true);
    expect(covers('53', '530000')).toBe(true);
    expect(covers('5301', '530100')).toBe(true);
    expect(covers('5301', '530102')).toBe(true);
    expect(covers('5301', '530302')).toBe(false); // Qujing's Qilin district is not Kunming's
    expect(covers('5301', '530000')).toBe(false); // a prefecture does not govern its province
    expect(covers('530102', '530103')).toBe(false);
    expect(covers('53', '520102')).toBe(false); // Guiyang is another province's
    expect(covers('', '530102')).toBe(false); // no area covers everything
    expect(covers('53', '53')).toBe(false); // only six-digit codes are divisions
  });

  it('the province sees all: what has no division of its own is the province\'s alone', () => {
    expect(isProvinceArea('53')).toBe(true);
    expect(isProvinceArea('5301')).toBe(false);
    expect(actsOn('53', undefined)).toBe(true);
    expect(actsOn('5301', undefined)).toBe(false);
    expect(actsOn('5301', '530103')).toBe(true);
    expect(actsOn('5301', '530302')).toBe(false);
  });

  it('Yunnan Art.12 ¶2–3, Kunming Art.11: institutions are kept in the area, authorities only from above', () => {
    // An institution: by the authority of its own level or any above it.
    expect(mayKeepRegistryEntry('5301', { kind: 'institution', division: '530100' })).toBe(true);
    expect(mayKeepRegistryEntry('5301', { kind: 'institution', division: '530102' })).toBe(true);
    expect(mayKeepRegistryEntry('53', { kind: 'institution', division: '530302' })).toBe(true);
    expect(mayKeepRegistryEntry('5301', { kind: 'institution', division: '530302' })).toBe(false);
    // An authority: only by a level above it, never by its peer or itself.
    expect(mayKeepRegistryEntry('5301', { kind: 'authority', division: '530102' })).toBe(true);
    expect(mayKeepRegistryEntry('53', { kind: 'authority', division: '530300' })).toBe(true);
    expect(mayKeepRegistryEntry('53', { kind: 'authority', division: '530102' })).toBe(true);
    expect(mayKeepRegistryEntry('5301', { kind: 'authority', division: '530100' })).toBe(false);
    expect(mayKeepRegistryEntry('5301', { kind: 'authority', division: '530300' })).toBe(false);
    expect(mayKeepRegistryEntry('53', { kind: 'authority', division: '530000' })).toBe(false);
    expect(mayKeepRegistryEntry('530102', { kind: 'authority', division: '530102' })).toBe(false);
  });
});
